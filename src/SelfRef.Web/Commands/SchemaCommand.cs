using System.CommandLine;
using SelfRef.Core.Experiments;

namespace SelfRef.Web.Commands;

/// <summary>`schema [file]`: writes the experiment JSON Schema generated from the Core records.</summary>
public static class SchemaCommand
{
    private static readonly Argument<string> Target = new("file")
    {
        Description = $"Where to write it (default {ExperimentSchema.FileName} in the experiments folder)",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public static Verb Verb { get; } = new(
        new Command("schema", "Write the experiment JSON Schema generated from the task records.") { Target, SettingOption.Experiments, SettingOption.Environment },
        Run);

    private static int Run(VerbRun run)
    {
        var target = run.Get(Target) ?? Path.Combine(run.Settings.Experiments, ExperimentSchema.FileName);
        try { File.WriteAllText(target, ExperimentSchema.Text); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return run.Failed(e.Message); }
        run.Output.WriteLine($"wrote {Path.GetFullPath(target)}");
        return 0;
    }
}
