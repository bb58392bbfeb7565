using System.CommandLine;
using SelfRef.Core.Experiments;

namespace SelfRef.Web.Commands;

/// <summary>`validate [files]`: checks experiment files without serving; exit code 1 on any error.</summary>
public static class ValidateCommand
{
    private static readonly Argument<string[]> Files = new("files")
    {
        Description = "Experiment files to check (default every *.json in the experiments folder)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public static Verb Verb { get; } = new(
        new Command("validate", "Check experiment files without serving; exit code 1 on any error.") { Files, SettingOption.Experiments, SettingOption.Environment },
        Run);

    private static int Run(VerbRun run)
    {
        var folder = run.Settings.Experiments;
        var files = run.Get(Files) is { Length: > 0 } given
            ? given
            : Directory.Exists(folder)
                ? Directory.GetFiles(folder, "*.json").Where(f => Path.GetFileName(f) != ExperimentSchema.FileName).Order().ToArray()
                : [];
        if (files.Length == 0) return run.Usage($"no experiment files given and none found in {folder}");
        try
        {
            var experiments = ExperimentLoader.LoadFiles(files);
            foreach (var (file, experiment) in files.Zip(experiments))
                run.Output.WriteLine($"ok  {file}  ({experiment.Id}: {experiment.Steps.Count} steps, {experiment.EffectiveConditions.Count} condition(s))");
            return 0;
        }
        catch (ExperimentLoadException e)
        {
            foreach (var problem in e.Errors) run.Error.WriteLine(problem);
            run.Error.WriteLine($"{e.Errors.Count} error(s) in {e.Errors.Select(p => p.File).Distinct().Count()} file(s)");
            return 1;
        }
    }
}
