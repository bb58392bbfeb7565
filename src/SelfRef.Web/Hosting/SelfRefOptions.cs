using System.ComponentModel.DataAnnotations;

namespace SelfRef.Web.Hosting;

/// <summary>Settings from appsettings.json, environment (SelfRef__…) and the command line.</summary>
public sealed class SelfRefOptions : IValidatableObject
{
    public const string Section = "SelfRef";
    public const string LiteDb = "litedb", Postgres = "postgres";

    /// <summary>Where the data lives: "litedb" (the default: one file, one process) or "postgres" (a PostgreSQL database, <see cref="ConnectionString"/>).</summary>
    [Required] public string Store { get; set; } = LiteDb;

    /// <summary>Npgsql's connection string of the PostgreSQL database (with Store = postgres), e.g. "Host=localhost;Database=selfref;Username=selfref".</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The LiteDB file; relative paths start at the folder the command runs in.</summary>
    [Required] public string Database { get; set; } = "data/selfref.db";

    /// <summary>Folder of experiments/*.json.</summary>
    [Required] public string Experiments { get; set; } = "experiments";

    /// <summary>An extra folder of translation files (fr.json, pt-BR.json …) for the participant pages' own words; they add to or replace the shipped ones. Null: the shipped ones only.</summary>
    public string? Translations { get; set; }

    /// <summary>The link printed for participants and researchers; defaults to the first address the server listens on.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Login of the researcher account created on first start.</summary>
    [Required] public string ResearcherUser { get; set; } = "researcher";

    /// <summary>Password of that account; when empty a random one is generated and printed once.</summary>
    public string? ResearcherPassword { get; set; }

    /// <summary>How often unfinished sessions are checked for abandonment.</summary>
    [Range(1, 3600)] public int AbandonCheckSeconds { get; set; } = 60;

    /// <summary>How often identifiers whose retention ended are deleted (their keys destroyed).</summary>
    [Range(1, 86_400)] public int RetentionCheckSeconds { get; set; } = 300;

    /// <summary>Folder of the keys that encrypt identifiers; outside the database, backed up separately, never handed out with it.</summary>
    public string? KeyFolder { get; set; }

    /// <summary>New sessions one client address may start at once (a class behind one router shares an address); 0 switches the limit off.</summary>
    [Range(0, 1_000_000)] public int StartsPerAddress { get; set; } = 60;

    /// <summary>After those, how many more one address may start an hour (given back evenly, one at a time).</summary>
    [Range(1, 3_600_000)] public int StartsPerAddressPerHour { get; set; } = 120;

    /// <summary>Reverse proxies (IP addresses) whose X-Forwarded-For and X-Forwarded-Proto are believed; none by default. A list, or one comma-separated string.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of reverse proxies (CIDR, e.g. 10.0.0.0/8) whose forwarded headers are believed; none by default. A list, or one comma-separated string.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>The most event data one session may store, in MB; a batch beyond it is refused and the browser stops sending.</summary>
    [Range(1, 4096)] public int SessionQuotaMegabytes { get; set; } = Core.Storage.StoreOptions.DefaultSessionQuotaMegabytes;

    /// <summary>How often the experiments folder is read even when no change was reported (0: only on reported changes).</summary>
    [Range(0, 86_400)] public int ExperimentsPollSeconds { get; set; } = 10;

    /// <summary>A session counts as "active now" on the dashboard while it was seen within this many seconds.</summary>
    [Range(10, 86_400)] public int ActiveWithinSeconds { get; set; } = 120;

    /// <summary>The gazetteer file (place names); null: data/places.tsv found from the program's folder.</summary>
    public string? Gazetteer { get; set; }

    /// <summary>
    /// Redis (host:port, or a StackExchange.Redis configuration string) shared by several
    /// instances: SignalR's backplane, the Data Protection keys, and the news of session changes
    /// between instances. Null: one instance, nothing shared.
    /// </summary>
    public string? Redis { get; set; }

    public long SessionQuotaBytes => SessionQuotaMegabytes * 1024L * 1024;

    public bool UsesPostgres => string.Equals(Store, Postgres, StringComparison.OrdinalIgnoreCase);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!UsesPostgres && !string.Equals(Store, LiteDb, StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult($"must be {LiteDb} or {Postgres}, not '{Store}'", [nameof(Store)]);
            yield break;
        }
        if (!UsesPostgres) yield break;
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult($"is required with {Section}:Store={Postgres} (--connection-string \"Host=…;Database=…\")", [nameof(ConnectionString)]);
            yield break;
        }
        string? problem = null;
        try { _ = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString); }
        catch (ArgumentException e) { problem = e.Message.Split(" (Parameter")[0]; }
        if (problem is not null) yield return new ValidationResult($"is not a PostgreSQL connection string: {problem}", [nameof(ConnectionString)]);
    }

    public string DatabasePath => Path.GetFullPath(Database);
    public string KeyFolderPath => KeyFolder is { Length: > 0 } folder ? Path.GetFullPath(folder) : IdentifierProtection.DefaultKeyFolder(DatabasePath);
    public string ExperimentsPath => Path.GetFullPath(Experiments);
}
