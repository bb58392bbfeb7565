using Microsoft.AspNetCore.DataProtection;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Storage;
using SelfRef.Core.Storage.Postgres;

namespace SelfRef.Web.Hosting;

/// <summary>
/// The key folder (default "{database}-keys" beside the database): each session's keys
/// (<see cref="SessionKeyFile"/>), which seal everything it holds, and the Data Protection key
/// ring of the login cookie and anti-forgery tokens. The server and the verbs that read the
/// database (analyze, export, simulate) open the store here, so they use the same keys. Whoever
/// has the database but not the folder cannot read a session; whoever loses the folder loses the
/// sessions.
/// </summary>
public static class IdentifierProtection
{
    public const string ApplicationName = "SelfRef";

    public static string DefaultKeyFolder(string databasePath) => StoreOptions.DefaultKeyFolder(databasePath);

    /// <summary>The server: Data Protection (login cookie, anti-forgery) keeps its keys in the folder too.</summary>
    public static IServiceCollection AddKeyFolder(this IServiceCollection services, string keyFolder)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName).PersistKeysToFileSystem(Prepare(keyFolder));
        return services;
    }

    // The purpose under which SelfRef before sealed storage wrapped each session's key: read only to migrate such a database.
    private const string LegacyPurpose = "SelfRef.Identifiers.v1";

    /// <summary>The store of the database, sealed with the sessions' keys in the key folder (a database of an earlier SelfRef is migrated on opening).</summary>
    public static LiteDbStore OpenStore(string databasePath, string keyFolder, IEnumerable<Experiment> experiments, long? sessionQuotaBytes = null, TextWriter? log = null) =>
        OpenStore(databasePath, keyFolder, new IdentifyingData(experiments), sessionQuotaBytes, log);

    /// <param name="identifying">what identifies; an <see cref="ExperimentCatalog"/> keeps it current as versions come.</param>
    public static LiteDbStore OpenStore(string databasePath, string keyFolder, IdentifyingData identifying, long? sessionQuotaBytes = null, TextWriter? log = null)
    {
        var legacy = new Lazy<IDataProtector>(() =>
            DataProtectionProvider.Create(new DirectoryInfo(keyFolder), b => b.SetApplicationName(ApplicationName)).CreateProtector(LegacyPurpose));
        var options = new StoreOptions
        {
            KeyFolder = keyFolder,
            Identifying = identifying,
            LegacyKeyUnwrap = wrapped => legacy.Value.Unprotect(wrapped),
            Log = log is null ? null : log.WriteLine,
        };
        return new LiteDbStore(databasePath, sessionQuotaBytes is { } quota ? options with { SessionQuotaBytes = quota } : options);
    }

    /// <summary>
    /// The store the settings choose: the LiteDB file with the key folder's session keys (the
    /// default), or the PostgreSQL database, which keeps the session keys in itself (every instance
    /// on it needs them); the key folder then holds only the Data Protection keys.
    /// </summary>
    public static IStore OpenStore(SelfRefOptions settings, IdentifyingData identifying, TextWriter? log = null) => settings.UsesPostgres
        ? new PostgresStore(settings.ConnectionString!, new StoreOptions
        {
            Identifying = identifying,
            SessionQuotaBytes = settings.SessionQuotaBytes,
            Log = log is null ? null : log.WriteLine,
        })
        : OpenStore(settings.DatabasePath, settings.KeyFolderPath, identifying, settings.SessionQuotaBytes, log);

    // Only the account running SelfRef may read the keys.
    private static DirectoryInfo Prepare(string keyFolder) => OperatingSystem.IsWindows()
        ? Directory.CreateDirectory(keyFolder)
        : Directory.CreateDirectory(keyFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
}
