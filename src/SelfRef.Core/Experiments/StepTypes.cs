using SelfRef.Core.Tasks.Map;
using SelfRef.Core.Tasks.Pen;

namespace SelfRef.Core.Experiments;

/// <summary>
/// A kind of step: its name in the file's "type" field, the record that declares its parameters,
/// and for tasks the function that says what a participant did first.
/// </summary>
public sealed record StepType(string Name, Type RecordType, bool IsTask, Func<Tasks.TaskEvidence, Tasks.TaskOutcome>? Outcome = null);

public static class StepTypes
{
    /// <summary>Every kind of step a file may use. A new task type is a folder under Tasks/ plus one line here.</summary>
    public static readonly IReadOnlyList<StepType> All =
    [
        new("consent", typeof(ConsentStep), IsTask: false),
        new("instructions", typeof(InstructionsStep), IsTask: false),
        new("questionnaire", typeof(QuestionnaireStep), IsTask: false),
        new("debrief", typeof(DebriefStep), IsTask: false),
        PenStep.Type,
        MapStep.Type,
    ];

    public static StepType Of(Step step) => All.First(t => t.RecordType == step.GetType());
}
