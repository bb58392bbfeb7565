namespace SelfRef.Core.Experiments;

/// <summary>A step kind's own rules beyond the schema; errors name a field of the step (e.g. "instruction.de").</summary>
public interface IStepRules
{
    IEnumerable<(string Field, string Message)> Check(Experiment experiment);
}

/// <summary>What a step kind reports about a valid step that a reader of the file or report should know (a deliberate departure from the usual rule).</summary>
public interface IStepNotices
{
    IEnumerable<(string Field, string Message)> Notices(Experiment experiment);
}
