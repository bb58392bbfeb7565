using SelfRef.Core.Experiments;

namespace SelfRef.Core.Privacy;

/// <summary>
/// Which stored values identify a participant, per experiment (see <see cref="Identifiers"/>):
/// the store seals them with the session's identifier key, which retention destroys. Without
/// experiments nothing is identifying beyond recruitment ids, which always are.
/// </summary>
public sealed class IdentifyingData
{
    private readonly Dictionary<string, Experiment> _experiments;
    private readonly Dictionary<string, IReadOnlySet<string>> _answerKeys;
    // Event types that are identifying in some experiment: a batch without any costs nothing.
    private readonly HashSet<string> _eventTypes;

    public IdentifyingData(IEnumerable<Experiment> experiments)
    {
        _experiments = experiments.ToDictionary(e => e.Id, StringComparer.Ordinal);
        _answerKeys = _experiments.Values.ToDictionary(e => e.Id, Identifiers.AnswerKeys, StringComparer.Ordinal);
        _eventTypes = _experiments.Values.SelectMany(Identifiers.EventTypes).Select(e => e.Type).ToHashSet(StringComparer.Ordinal);
    }

    public static IdentifyingData None { get; } = new([]);

    public bool IsIdentifyingAnswer(string experimentId, string answerKey) =>
        _answerKeys.TryGetValue(experimentId, out var keys) && keys.Contains(answerKey);

    /// <summary>Whether events of this type may carry identifying fields in some experiment.</summary>
    public bool MayIdentify(string eventType) => _eventTypes.Contains(eventType);

    /// <summary>The identifying fields of an event of this type in this step of the experiment.</summary>
    public IReadOnlyList<string> EventFields(string experimentId, string stepId, string eventType) =>
        _eventTypes.Contains(eventType) && _experiments.TryGetValue(experimentId, out var experiment)
            ? Identifiers.EventFields(experiment.Steps.FirstOrDefault(s => s.Id == stepId), eventType)
            : [];
}
