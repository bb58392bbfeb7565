using Microsoft.AspNetCore.DataProtection;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Storage;

namespace SelfRef.Web.Hosting;

/// <summary>
/// The keys that encrypt identifiers at rest: ASP.NET Core Data Protection with its key ring in
/// a folder outside the database file (default: "{database}-keys" beside it). The server and the
/// verbs that read the database (analyze, export) open the store here, so they use the same keys.
/// Whoever has the database but not the folder cannot read a name; whoever loses the folder
/// loses the identifiers (the outcomes stay readable).
/// </summary>
public static class IdentifierProtection
{
    public const string ApplicationName = "SelfRef";
    private const string Purpose = "SelfRef.Identifiers.v1";

    public static string DefaultKeyFolder(string databasePath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(databasePath))!, Path.GetFileNameWithoutExtension(databasePath) + "-keys");

    /// <summary>The server: Data Protection (also used by the login cookie and anti-forgery) keeps its keys in the folder.</summary>
    public static IServiceCollection AddIdentifierProtection(this IServiceCollection services, string keyFolder, string databasePath, TextWriter warnings)
    {
        if (!Directory.Exists(keyFolder) && File.Exists(databasePath))
            warnings.WriteLine($"Key folder {keyFolder} did not exist and is created with a new key: identifiers the database {databasePath} holds from before cannot be read without the old folder.");
        services.AddDataProtection().SetApplicationName(ApplicationName).PersistKeysToFileSystem(Prepare(keyFolder));
        services.AddSingleton<IIdentifierProtector>(sp => new DataProtectionIdentifierProtector(sp.GetRequiredService<IDataProtectionProvider>()));
        return services;
    }

    /// <summary>The verbs: the database through the same keys. They only read, so a missing key folder is an error, not a new key.</summary>
    public static IStore OpenStore(string databasePath, string keyFolder, IEnumerable<Experiment> experiments)
    {
        if (!Directory.Exists(keyFolder) && File.Exists(databasePath))
            throw new IOException($"the key folder {keyFolder} does not exist; identifiers in {databasePath} can only be read with the key folder the server used (give it with --keys)");
        var provider = DataProtectionProvider.Create(Prepare(keyFolder), builder => builder.SetApplicationName(ApplicationName));
        var inner = new LiteDbStore(databasePath);
        return new ProtectedStore(inner, new DataProtectionIdentifierProtector(provider), experiments);
    }

    // Only the account running SelfRef may read the keys (Data Protection stores them unencrypted on Linux).
    private static DirectoryInfo Prepare(string keyFolder) => OperatingSystem.IsWindows()
        ? Directory.CreateDirectory(keyFolder)
        : Directory.CreateDirectory(keyFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    private sealed class DataProtectionIdentifierProtector(IDataProtectionProvider provider) : IIdentifierProtector
    {
        private readonly IDataProtector _protector = provider.CreateProtector(Purpose);
        public string Protect(string plain) => _protector.Protect(plain);
        public string Unprotect(string protectedText) => _protector.Unprotect(protectedText);
    }
}
