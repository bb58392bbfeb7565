using System.CommandLine;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Commands;

/// <summary>
/// An option that sets a configuration key: <c>--db FILE</c> sets <c>SelfRef:Database</c>, as
/// <c>SelfRef__Database</c> in the environment and <c>"SelfRef": { "Database": … }</c> in
/// appsettings.json do. The command line hands it to the one configuration the server and every
/// verb read (<see cref="SelfRefHost"/>), and verbs take the value from their
/// <see cref="VerbRun.Settings"/>, never from the option: so all three sources reach them.
/// A verb lists the settings it reads among its options.
/// </summary>
public sealed class SettingOption : Option<string>
{
    private SettingOption(string name, string key, string helpName, string description) : base(name)
    {
        Key = key;
        HelpName = helpName;
        Description = $"{description} [setting {key}]";
    }

    /// <summary>The configuration key the option sets.</summary>
    public string Key { get; }

    private const string Section = SelfRefOptions.Section;

    public static readonly SettingOption Database = new("--db", $"{Section}:Database", "FILE", "The database file (default data/selfref.db)");
    public static readonly SettingOption Store = new("--store", $"{Section}:Store", "litedb|postgres", "Where the data lives: the LiteDB file (--db) or a PostgreSQL database (--connection-string) (default litedb)");
    public static readonly SettingOption ConnectionString = new("--connection-string", $"{Section}:ConnectionString", "TEXT", "The PostgreSQL database with --store postgres, e.g. \"Host=localhost;Database=selfref;Username=selfref\" (a password is better given as SelfRef__ConnectionString or in appsettings.json)");
    public static readonly SettingOption Experiments = new("--experiments", $"{Section}:Experiments", "FOLDER", "The folder of experiment files (default experiments)");
    public static readonly SettingOption Translations = new("--translations", $"{Section}:Translations", "FOLDER", "An extra folder of translation files (fr.json …) for the participant pages' own words, added to the shipped ones (default none)");
    public static readonly SettingOption Keys = new("--keys", $"{Section}:KeyFolder", "FOLDER", "The folder of the keys that encrypt identifiers (default {database}-keys beside the database)");
    public static readonly SettingOption PublicUrl = new("--public-url", $"{Section}:PublicUrl", "URL", "The address printed in links (default the first address listened on)");
    public static readonly SettingOption Gazetteer = new("--gazetteer", $"{Section}:Gazetteer", "FILE", "The place names (default data/places.tsv)");
    public static readonly SettingOption Redis = new("--redis", $"{Section}:Redis", "HOST:PORT", "Redis shared by several instances behind one proxy: live views, logins and sessions across instances (default none: one instance)");
    public static readonly SettingOption Urls = new("--urls", "urls", "URLS", "Where to listen, e.g. http://0.0.0.0:8080; several separated by ';' (default http://localhost:5080)");
    public static readonly SettingOption Environment = new("--environment", "environment", "NAME", "Also read appsettings.NAME.json beside the program, e.g. Development (default Production)");

    // The generic host's own settings, which a test host (WebApplicationFactory) passes to the program: accepted, not shown.
    public static readonly SettingOption ContentRoot = new("--contentRoot", "contentRoot", "FOLDER", "The host's content root") { Hidden = true };
    public static readonly SettingOption ApplicationName = new("--applicationName", "applicationName", "NAME", "The host's application name") { Hidden = true };
}
