using System.CommandLine;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Commands;

/// <summary>
/// `rederive [--experiment ID] [--all]`: derives stored outcomes again from the stored events,
/// answers and codes, after a task type's rule changed (its RuleVersion) — by default those never
/// derived or derived by an older rule; with --all every one. Outcomes whose identifiers retention
/// has deleted cannot be derived again and stay as they are.
/// </summary>
public static class RederiveCommand
{
    private static readonly Option<string> Experiment = VerbOptions.Text("--experiment", "ID", "Only this experiment (default every experiment)");
    private static readonly Option<bool> All = VerbOptions.Flag("--all", "Derive every outcome again, not only those never derived or derived by an older rule");

    public static Verb Verb { get; } = new(
        new Command("rederive", "Derive the stored task outcomes again from the stored events (the server stopped), e.g. after a rule changed.")
        {
            Experiment, All, SettingOption.Database, SettingOption.Store, SettingOption.ConnectionString, SettingOption.Keys, SettingOption.Experiments, SettingOption.Gazetteer, SettingOption.Environment,
        },
        Run);

    private static int Run(VerbRun run)
    {
        try
        {
            using var study = OpenedStudy.Open(run.Settings);
            var id = run.Get(Experiment);
            if (id is not null) study.Find(id);
            // Each session by the version it ran on, as the server derives it.
            var sessions = new SessionService(study.Store, study.Catalog, TimeProvider.System, OfflineTaskServices.Deriver(run.Settings.Gazetteer));
            var scope = run.Get(All) ? RederiveScope.All : RederiveScope.Stale;
            var changed = sessions.Rederive(id, scope).GetAwaiter().GetResult();
            run.Output.WriteLine($"derived the outcomes of {(scope == RederiveScope.All ? "every" : "every stale")} session{(id is null ? "" : $" of {id}")} again: {changed} changed");
            return 0;
        }
        catch (Exception e) when (e is ExperimentLoadException or IOException or System.Security.Cryptography.CryptographicException)
        {
            return run.Failed(e.Message);
        }
    }
}
