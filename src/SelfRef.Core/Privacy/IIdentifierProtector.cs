namespace SelfRef.Core.Privacy;

/// <summary>
/// Encrypts identifying text with a key kept outside the database (the server uses ASP.NET Core
/// Data Protection with a key folder), so that the database file alone reveals no name or town.
/// </summary>
public interface IIdentifierProtector
{
    string Protect(string plain);

    /// <exception cref="System.Security.Cryptography.CryptographicException">the text was not protected with a key this protector holds.</exception>
    string Unprotect(string protectedText);
}
