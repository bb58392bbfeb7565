namespace SelfRef.Core.Experiments;

/// <summary>Which steps a participant in a condition walks, in which order.</summary>
public static class ExperimentFlow
{
    public static List<Step> StepsFor(Experiment experiment, Condition condition)
    {
        var shown = experiment.Steps.Where(s => s.OnlyIn is null || s.OnlyIn.Contains(condition.Id)).ToList();
        if (condition.Order is not { } order) return shown;
        var byId = shown.ToDictionary(s => s.Id);
        return order.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
    }

    public static Condition Condition(this Experiment experiment, string id) =>
        experiment.EffectiveConditions.First(c => c.Id == id);

    public static Step Step(this Experiment experiment, string id) => experiment.Steps.First(s => s.Id == id);
}
