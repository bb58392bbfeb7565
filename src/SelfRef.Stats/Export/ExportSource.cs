using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;

namespace SelfRef.Stats.Export;

/// <summary>
/// What an export reads: the experiment, its sessions (small records, held), and a function that
/// reads one session's events (large, read one session at a time and let go). Each session is
/// written by the version of the experiment it ran on (<see cref="History"/>); pilot runs only
/// when <see cref="IncludePilots"/>.
/// </summary>
public sealed record ExportSource(
    Experiment Experiment,
    IReadOnlyList<Session> Sessions,
    Func<string, IReadOnlyList<StoredBatch>> EventsOf)
{
    /// <summary>Every version of the experiment; by default the one given.</summary>
    public ExperimentHistory History { get; init; } = ExperimentHistory.Single(Experiment);

    /// <summary>Whether researchers' pilot runs are written too (marked in the pilot column).</summary>
    public bool IncludePilots { get; init; }

    public static ExportSource From(Experiment experiment, IStore store) =>
        new(experiment, store.SessionsOf(experiment.Id), id => store.Events(id));

    public static ExportSource From(ExperimentHistory history, IStore store, bool includePilots = false) =>
        new(history.Latest, store.SessionsOf(history.Id), id => store.Events(id)) { History = history, IncludePilots = includePilots };

    /// <summary>The versions the exported sessions ran on (every version when there are none), oldest first.</summary>
    public IReadOnlyList<Experiment> Versions
    {
        get
        {
            var used = Ordered.Select(History.HashOf).ToHashSet(StringComparer.Ordinal);
            var versions = History.Readable().Where(v => used.Contains(v.Version.Hash)).Select(v => v.Experiment).ToList();
            return versions.Count > 0 ? versions : [Experiment];
        }
    }

    /// <summary>The task types of the experiment's versions: their own outcome columns are in the table.</summary>
    public IReadOnlyList<string> Tasks => Versions.Prepend(Experiment).SelectMany(e => e.Steps).Select(s => StepTypes.TaskOf(s)?.Name).OfType<string>().Distinct().ToList();

    /// <summary>The experiment's sessions in the order they started: the row order of every file.</summary>
    public IEnumerable<Session> Ordered => Sessions.Where(s => s.ExperimentId == Experiment.Id && (IncludePilots || !s.Pilot))
        .OrderBy(s => s.StartedAt).ThenBy(s => s.Id, StringComparer.Ordinal);
}
