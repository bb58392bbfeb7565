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

    /// <summary>80 random bits in four groups ("7KQ2-…"), short enough to write down, too many to guess.</summary>
    public static string WithdrawalCode() => string.Join('-', Enumerable.Range(0, 4).Select(_ => Code(4)));

    /// <summary>
    /// A code as someone typed it, in the form it was issued: case, spaces and hyphens do not
    /// matter, and letters Crockford's alphabet leaves out are read as the digits they resemble.
    /// </summary>
    public static string NormalizeWithdrawalCode(string? typed)
    {
        var chars = (typed ?? "").ToUpperInvariant()
            .Where(char.IsLetterOrDigit)
            .Select(c => c switch { 'O' => '0', 'I' or 'L' => '1', _ => c })
            .ToArray();
        return chars.Length == 16 ? string.Join('-', Enumerable.Range(0, 4).Select(i => new string(chars, i * 4, 4))) : new string(chars);
    }

    public static string Code(int length) =>
        string.Create(length, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = Readable[RandomNumberGenerator.GetInt32(Readable.Length)];
        });

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
