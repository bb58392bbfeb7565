using System.Security.Cryptography;
using System.Text;

namespace SelfRef.Core.Storage;

/// <summary>
/// AES-GCM with a session's key: nonce, tag and ciphertext in one array. The associated data
/// names what the bytes are (e.g. "batch/P-…/stream/1"), so a sealed value copied to another
/// place or session does not open there.
/// </summary>
public static class Seal
{
    private const int NonceBytes = 12, TagBytes = 16;

    public static byte[] Close(byte[] key, ReadOnlySpan<byte> plain, string context)
    {
        var sealedBytes = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), Encoding.UTF8.GetBytes(context));
        return sealedBytes;
    }

    /// <exception cref="CryptographicException">the bytes were not sealed with this key and context, or were changed.</exception>
    public static byte[] Open(byte[] key, ReadOnlySpan<byte> sealedBytes, string context)
    {
        if (sealedBytes.Length < NonceBytes + TagBytes) throw new CryptographicException("sealed data is too short");
        var plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(sealedBytes[..NonceBytes], sealedBytes[(NonceBytes + TagBytes)..], sealedBytes.Slice(NonceBytes, TagBytes), plain, Encoding.UTF8.GetBytes(context));
        return plain;
    }
}
