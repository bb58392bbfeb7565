using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;

namespace SelfRef.Stats.Export;

/// <summary>
/// What an export reads: the experiment, its sessions (small records, held), and a function that
/// reads one session's events (large, read one session at a time and let go).
/// </summary>
public sealed record ExportSource(
    Experiment Experiment,
    IReadOnlyList<Session> Sessions,
    Func<string, IReadOnlyList<StoredBatch>> EventsOf)
{
    public static ExportSource From(Experiment experiment, IStore store) =>
        new(experiment, store.SessionsOf(experiment.Id), store.Events);

    /// <summary>The task types of the experiment: their own outcome columns are in the table.</summary>
    public IReadOnlyList<string> Tasks => Experiment.Steps.Select(s => StepTypes.TaskOf(s)?.Name).OfType<string>().Distinct().ToList();

    /// <summary>The experiment's sessions in the order they started: the row order of every file.</summary>
    public IEnumerable<Session> Ordered => Sessions.Where(s => s.ExperimentId == Experiment.Id).OrderBy(s => s.StartedAt).ThenBy(s => s.Id, StringComparer.Ordinal);
}
