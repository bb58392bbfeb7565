using System.CommandLine;
using SelfRef.Core.Experiments;
using SelfRef.Stats.Preregistration;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Commands;

/// <summary>
/// `prereg --experiment ID [--out FILE]`: a preregistration draft (Markdown, AsPredicted's questions in order) from the
/// experiment file as it is now, ending with the planned values that `analyze --prereg FILE` compares the finished study with.
/// </summary>
public static class PreregCommand
{
    private static readonly Option<string> Experiment = VerbOptions.Text("--experiment", "ID", "The experiment (its file in the experiments folder)");
    private static readonly Option<string> Out = new("--out") { HelpName = "FILE", Description = "Where the draft goes (default prereg-ID.md)" };
    private static readonly Option<string[]> ExclusionReasons = new("--exclusion-reason")
    {
        HelpName = "TEXT",
        Description = "A reason for which a researcher will exclude a session, declared in advance (repeat for several); an exclusion for any other reason is a deviation",
    };

    public static Verb Verb { get; } = new(
        new Command("prereg", "Write a preregistration draft (Markdown, in the order of AsPredicted's questions) from an experiment file: hypotheses, dependent variable, conditions, analyses, exclusions, planned n with its power.")
        {
            Experiment, Out, ExclusionReasons, SettingOption.Database, SettingOption.Store, SettingOption.ConnectionString, SettingOption.Keys, SettingOption.Experiments, SettingOption.Environment,
        },
        Run);

    private static int Run(VerbRun run)
    {
        if (run.Get(Experiment) is not { Length: > 0 } id) return run.Usage("give --experiment ID");
        var folder = run.Settings.ExperimentsPath;
        if (ExperimentFolder.Problem(folder) is { } unreadable) return run.Failed($"{folder}: {unreadable}");
        var found = Directory.GetFiles(folder, "*.json").Where(f => Path.GetFileName(f) != ExperimentSchema.FileName).Order(StringComparer.Ordinal)
            .Select(f => (File: f, Text: File.ReadAllText(f))).Select(f => (f.File, f.Text, Parsed: ExperimentLoader.Parse(f.Text, f.File)))
            .Where(f => f.Parsed.Experiment?.Id == id).ToList();
        if (found.Count == 0) return run.Failed($"no experiment '{id}' in {folder}");
        var (file, text, parsed) = found[0];
        if (!parsed.Ok) return run.Failed($"{file} has errors, fix them first: {string.Join("; ", parsed.Errors.Select(e => $"{e.JsonPath}: {e.Message}"))}");

        int? collected;
        try { collected = StoredSessions(run.Settings, id); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ExperimentLoadException or LiteDB.LiteException or Npgsql.NpgsqlException)
        {
            return run.Failed($"cannot tell whether data were collected already: the database {(run.Settings.UsesPostgres ? "(PostgreSQL)" : run.Settings.DatabasePath)} could not be read ({e.Message})");
        }
        var (markdown, plan) = PreregistrationDraft.Write(new PreregistrationInput(
            parsed.Experiment!, ExperimentVersion.HashOf(text), DateTimeOffset.UtcNow, collected, run.Get(ExclusionReasons)));
        var target = run.Get(Out) ?? $"prereg-{id}.md";
        try { File.WriteAllText(target, markdown); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return run.Failed(e.Message); }
        run.Output.WriteLine($"wrote {Path.GetFullPath(target)} (planned n = {plan.PlannedN}, {plan.Analyses.Count} analyses; version {ExperimentVersion.ShortOf(plan.Version)})");
        run.Output.WriteLine($"after the study: analyze --experiment {id} --prereg {target}");
        return 0;
    }

    /// <summary>The experiment's sessions already stored, pilots aside; null when there is no database yet.</summary>
    private static int? StoredSessions(SelfRefOptions settings, string id)
    {
        if (!settings.UsesPostgres && !File.Exists(settings.DatabasePath)) return null;
        using var study = OpenedStudy.Open(settings);
        return study.Store.SessionsOf(id).Count(s => !s.Pilot && s.Status != SelfRef.Core.Sessions.SessionStatus.Declined);
    }
}
