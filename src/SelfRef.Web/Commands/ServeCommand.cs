using System.CommandLine;

namespace SelfRef.Web.Commands;

/// <summary>
/// `serve` (also what the program does without a verb): its options. The serving itself is
/// Program.cs, which reads the same configuration as every verb.
/// </summary>
public static class ServeCommand
{
    public const string Name = "serve";

    public const string Description = "Serve the experiments to participants and the researcher pages (what the program does without a verb).";

    public static IReadOnlyList<Option> Options { get; } =
    [
        SettingOption.Urls, SettingOption.Database, SettingOption.Store, SettingOption.ConnectionString, SettingOption.Experiments, SettingOption.Translations, SettingOption.Keys, SettingOption.PublicUrl,
        SettingOption.Redis, SettingOption.Environment, SettingOption.ContentRoot, SettingOption.ApplicationName,
    ];
}
