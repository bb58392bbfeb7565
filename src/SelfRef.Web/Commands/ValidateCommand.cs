using System.CommandLine;
using SelfRef.Core.Experiments;
using SelfRef.Core.Languages;

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
        new Command("validate", "Check experiment files without serving: errors on standard error (exit code 1), warnings and notices on standard output.") { Files, SettingOption.Experiments, SettingOption.Translations, SettingOption.Environment },
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
        Translations translations;
        try { translations = Participant.UiText.Load(run.Settings.Translations); }
        catch (Exception e) when (e is InvalidDataException or DirectoryNotFoundException)
        {
            run.Error.WriteLine(e.Message);
            return 1;
        }
        var results = files.Select(f => (File: f, Result: ExperimentLoader.LoadFile(f, translations))).ToList();
        var errors = results.SelectMany(r => r.Result.Errors).ToList();
        foreach (var group in results.Where(r => r.Result.Ok).GroupBy(r => r.Result.Experiment!.Id).Where(g => g.Count() > 1))
            foreach (var (file, _) in group.Skip(1))
                errors.Add(new ExperimentError(file, "$.id", $"experiment id '{group.Key}' is already used by {group.First().File}"));
        foreach (var (file, result) in results.Where(r => r.Result.Ok && !errors.Any(e => e.File == r.File)))
            run.Output.WriteLine($"ok  {file}  ({result.Experiment!.Id}: {result.Experiment.Steps.Count} steps, {result.Experiment.EffectiveConditions.Count} condition(s))");
        var notes = results.SelectMany(r => r.Result.Notes).ToList();
        foreach (var note in notes) run.Output.WriteLine(note);
        foreach (var problem in errors) run.Error.WriteLine(problem);
        if (errors.Count == 0) return 0;
        run.Error.WriteLine($"{errors.Count} error(s) in {errors.Select(p => p.File).Distinct().Count()} file(s)");
        return 1;
    }
}
