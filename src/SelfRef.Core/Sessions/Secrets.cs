using System.Security.Cryptography;

namespace SelfRef.Core.Sessions;

/// <summary>Random identifiers: pseudonyms people may read aloud, tokens nobody can guess.</summary>
public static class Secrets
{
    // Crockford's alphabet: no I, L, O or U, so a code read over the phone is not misheard.
    private const string Readable = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>128 random bits, URL-safe.</summary>
    public static string Token() => Base64Url(RandomNumberGenerator.GetBytes(16));

    public static string Pseudonym() => "P-" + Code(10);

    public static string CompletionCode() => Code(8);

    public static string Code(int length) =>
        string.Create(length, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = Readable[RandomNumberGenerator.GetInt32(Readable.Length)];
        });

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
