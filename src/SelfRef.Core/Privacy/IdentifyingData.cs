using SelfRef.Core.Experiments;

namespace SelfRef.Core.Privacy;

/// <summary>
/// Which stored values identify a participant, per experiment (see <see cref="Identifiers"/>):
/// the store seals them with the session's identifier key, which retention destroys. Without
/// experiments nothing is identifying beyond recruitment ids, which always are. Several versions
/// of one experiment (see <see cref="ExperimentCatalog"/>) count together: what identifies in any
/// of them identifies. Kept current by the catalog as versions come (<see cref="Update"/>).
/// </summary>
public sealed class IdentifyingData
{
    private sealed record Rules(
        IReadOnlyDictionary<string, IReadOnlyList<Experiment>> Experiments,
        IReadOnlyDictionary<string, IReadOnlySet<string>> AnswerKeys,
        IReadOnlySet<string> EventTypes);

    private volatile Rules _rules;

    public IdentifyingData(IEnumerable<Experiment> experiments) => _rules = Build(experiments);

    public static IdentifyingData None { get; } = new([]);

    /// <summary>From now on, what identifies is what identifies in these experiments (every version of each).</summary>
    public void Update(IEnumerable<Experiment> experiments)
    {
        if (ReferenceEquals(this, None)) throw new InvalidOperationException("IdentifyingData.None does not change");
        _rules = Build(experiments);
    }

    private static Rules Build(IEnumerable<Experiment> experiments)
    {
        var byId = experiments.GroupBy(e => e.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (IReadOnlyList<Experiment>)g.ToList(), StringComparer.Ordinal);
        return new Rules(
            byId,
            byId.ToDictionary(e => e.Key, e => (IReadOnlySet<string>)e.Value.SelectMany(Identifiers.AnswerKeys).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal),
            byId.Values.SelectMany(v => v).SelectMany(Identifiers.EventTypes).Select(e => e.Type).ToHashSet(StringComparer.Ordinal));
    }

    public bool IsIdentifyingAnswer(string experimentId, string answerKey) =>
        _rules.AnswerKeys.TryGetValue(experimentId, out var keys) && keys.Contains(answerKey);

    /// <summary>Whether events of this type may carry identifying fields in some experiment.</summary>
    public bool MayIdentify(string eventType) => _rules.EventTypes.Contains(eventType);

    /// <summary>The identifying fields of an event of this type in this step of the experiment (in any of its versions).</summary>
    public IReadOnlyList<string> EventFields(string experimentId, string stepId, string eventType)
    {
        var rules = _rules;
        if (!rules.EventTypes.Contains(eventType) || !rules.Experiments.TryGetValue(experimentId, out var versions)) return [];
        return versions.SelectMany(e => Identifiers.EventFields(e.Steps.FirstOrDefault(s => s.Id == stepId), eventType)).Distinct(StringComparer.Ordinal).ToList();
    }
}
