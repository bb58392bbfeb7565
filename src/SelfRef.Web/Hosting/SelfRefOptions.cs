using System.ComponentModel.DataAnnotations;

namespace SelfRef.Web.Hosting;

/// <summary>Settings from appsettings.json, environment (SelfRef__…) and the command line.</summary>
public sealed class SelfRefOptions
{
    public const string Section = "SelfRef";

    /// <summary>The LiteDB file; relative paths start at the folder the command runs in.</summary>
    [Required] public string Database { get; set; } = "data/selfref.db";

    /// <summary>Folder of experiments/*.json.</summary>
    [Required] public string Experiments { get; set; } = "experiments";

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

    /// <summary>The most event data one session may store, in MB; a batch beyond it is refused and the browser stops sending.</summary>
    [Range(1, 4096)] public int SessionQuotaMegabytes { get; set; } = Core.Storage.StoreOptions.DefaultSessionQuotaMegabytes;

    public long SessionQuotaBytes => SessionQuotaMegabytes * 1024L * 1024;
    public string DatabasePath => Path.GetFullPath(Database);
    public string KeyFolderPath => KeyFolder is { Length: > 0 } folder ? Path.GetFullPath(folder) : IdentifierProtection.DefaultKeyFolder(DatabasePath);
    public string ExperimentsPath => Path.GetFullPath(Experiments);
}
