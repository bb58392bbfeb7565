using System.Collections.Concurrent;
using System.Text.Json;
using SelfRef.Core.Coding;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;

namespace SelfRef.Core.Tasks;

/// <summary>
/// Derives a session's task outcomes from its events, answers and codes, once per change of what
/// they read, with each task type's derivation (<see cref="TaskType.Deriver"/>, made with the
/// services its constructor asks for). One bad or missing event spoils one outcome: it gets a
/// missing reason, never an error for the session, the experiment or the caller.
/// </summary>
public sealed class OutcomeDeriver(IServiceProvider services)
{
    private readonly ConcurrentDictionary<TaskType, ITaskDeriver> _derivers = new();

    public ITaskDeriver For(TaskType type) => _derivers.GetOrAdd(type, Create);

    private ITaskDeriver Create(TaskType type)
    {
        var constructor = type.Deriver.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var arguments = constructor.GetParameters().Select(p => services.GetService(p.ParameterType)
            ?? throw new InvalidOperationException($"the {type.Name} task needs a {p.ParameterType.Name} to derive its outcome, and none is registered")).ToArray();
        return (ITaskDeriver)constructor.Invoke(arguments);
    }

    /// <summary>Whether the participant is done with the step: moved past it, or the session ended while on it.</summary>
    public static bool Left(Session session, int index) =>
        index < session.StepIndex || (index == session.StepIndex && session.Status is SessionStatus.Completed or SessionStatus.Abandoned);

    /// <summary>
    /// The session's outcomes: those it has, with every task step it left derived again now
    /// (outcomes whose identifiers are gone are kept as they are), or of those steps only the ones in
    /// <paramref name="only"/> (<paramref name="batches"/> then needs to hold only theirs). Returns
    /// null when nothing changed.
    /// </summary>
    public Dictionary<string, StoredOutcome>? Derive(Experiment experiment, Session session, IReadOnlyList<StoredBatch> batches, IReadOnlyList<CoderCode> codes, DateTime now, IReadOnlySet<string>? only = null)
    {
        Dictionary<string, StoredOutcome>? changed = null;
        foreach (var (step, type, kept) in Derivable(experiment, session))
        {
            if (only is not null && !only.Contains(step.Id)) continue;
            var events = StepEvents.Of(batches, step.Id);
            var outcome = DeriveOne(type, new TaskEvidence(experiment, session, step, events, codes));
            var stored = StoredOutcome.Of(type, outcome, Device(events), now);
            if (stored.SameAs(kept)) continue;
            changed ??= new Dictionary<string, StoredOutcome>(session.Outcomes);
            changed[step.Id] = stored;
        }
        return changed;
    }

    public TaskOutcome DeriveOne(TaskType type, TaskEvidence evidence)
    {
        // A service that cannot be made (e.g. no gazetteer file) spoils the outcome, not the participant's request; it is made again next time.
        try { return For(type).Derive(evidence); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return TaskOutcome.Missing($"{NotDerived}: {e.Message}");
        }
    }

    private const string NotDerived = "could not be derived";

    /// <summary>
    /// The task steps of the session whose outcomes a change of what they read can have changed:
    /// those of <paramref name="changed"/> the participant has left, and every left task step whose
    /// stored outcome is not a current one (none yet, an older rule, or a derivation that failed).
    /// A derivation reads a step's own events, the session's answers and codes, and nothing else of
    /// the session, so the outcomes of the other steps would come out as they are stored; leaving
    /// them out spares reading and opening their events.
    /// </summary>
    public static IReadOnlySet<string> Due(Experiment experiment, Session session, IEnumerable<string> changed)
    {
        var due = new HashSet<string>(StringComparer.Ordinal);
        var asked = changed as IReadOnlySet<string> ?? changed.ToHashSet(StringComparer.Ordinal);
        foreach (var (step, type, kept) in Derivable(experiment, session))
        {
            if (asked.Contains(step.Id) || kept is null || kept.Rule != type.RuleVersion
                || kept.MissingReason?.StartsWith(NotDerived, StringComparison.Ordinal) == true)
                due.Add(step.Id);
        }
        return due;
    }

    /// <summary>The task steps the participant has left whose outcome can be derived (not one whose identifiers are gone), with what is stored of it.</summary>
    private static IEnumerable<(Step Step, TaskType Type, StoredOutcome? Kept)> Derivable(Experiment experiment, Session session)
    {
        for (var index = 0; index < session.Steps.Count; index++)
        {
            if (!Left(session, index)) continue;
            var step = experiment.Steps.FirstOrDefault(s => s.Id == session.Steps[index]);
            if (step is null || StepTypes.TaskOf(step) is not { } type) continue;
            var kept = session.Outcomes.GetValueOrDefault(step.Id);
            if (kept is { Deidentified: true }) continue;
            yield return (step, type, kept);
        }
    }

    /// <summary>Desktop, tablet or phone, from what the browser said when the step first appeared.</summary>
    public static string Device(IEnumerable<StoredEvent> events)
    {
        var onset = events.FirstOrDefault(e => e.Type == CommonEvents.Onset && e.DataJson is not null);
        if (onset is null) return "";
        try
        {
            using var doc = JsonDocument.Parse(onset.DataJson!);
            var data = doc.RootElement;
            var coarse = data.TryGetProperty("coarsePointer", out var c) && c.ValueKind == JsonValueKind.True;
            var width = data.TryGetProperty("viewport", out var v) && v.TryGetProperty("width", out var w) && w.TryGetDouble(out var px) ? px : 0;
            return !coarse ? "desktop" : width < 700 ? "phone" : "tablet";
        }
        catch (JsonException) { return ""; }
    }
}
