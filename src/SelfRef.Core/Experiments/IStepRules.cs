namespace SelfRef.Core.Experiments;

/// <summary>A step kind's own rules beyond the schema; errors name a field of the step (e.g. "instruction.de").</summary>
public interface IStepRules
{
    IEnumerable<(string Field, string Message)> Check(Experiment experiment);
}
