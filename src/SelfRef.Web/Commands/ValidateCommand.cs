using SelfRef.Core.Experiments;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Commands;

/// <summary>`validate [files]`: checks experiment files without serving; exit code 1 on any error.</summary>
public static class ValidateCommand
{
    public static int Run(CommandLine command, TextWriter output, TextWriter error)
    {
        var files = command.Files.Length > 0
            ? command.Files
            : Directory.Exists(command.Option("--experiments") ?? "experiments")
                ? Directory.GetFiles(command.Option("--experiments") ?? "experiments", "*.json")
                    .Where(f => Path.GetFileName(f) != ExperimentSchema.FileName).Order().ToArray()
                : [];
        if (files.Length == 0)
        {
            error.WriteLine("validate: no experiment files given and none found in ./experiments");
            return 2;
        }
        try
        {
            var experiments = ExperimentLoader.LoadFiles(files);
            foreach (var (file, experiment) in files.Zip(experiments))
                output.WriteLine($"ok  {file}  ({experiment.Id}: {experiment.Steps.Count} steps, {experiment.EffectiveConditions.Count} condition(s))");
            return 0;
        }
        catch (ExperimentLoadException e)
        {
            foreach (var problem in e.Errors) error.WriteLine(problem);
            error.WriteLine($"{e.Errors.Count} error(s) in {e.Errors.Select(p => p.File).Distinct().Count()} file(s)");
            return 1;
        }
    }
}
