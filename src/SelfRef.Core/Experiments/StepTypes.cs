using System.Runtime.CompilerServices;
using SelfRef.Core.Events;
using SelfRef.Core.Tasks;
using SelfRef.Core.Tasks.Map;
using SelfRef.Core.Tasks.Pen;

namespace SelfRef.Core.Experiments;

/// <summary>
/// A kind of step: its name in the file's "type" field, the record that declares its parameters
/// (the schema is generated from it) and the events its page logs beside those of every step.
/// </summary>
public class StepType(string name, Type recordType, IReadOnlyList<EventDeclaration>? events = null)
{
    public string Name { get; } = name;
    public Type RecordType { get; } = recordType;
    public virtual bool IsTask => false;

    /// <summary>The events a step of this type logs besides <see cref="CommonEvents"/>; a task's may depend on its parameters.</summary>
    public virtual IReadOnlyList<EventDeclaration> Events(Step step) => events ?? [];

    // Looked up for every event that arrives: built once per step (steps are kept for the life of the experiment).
    private readonly ConditionalWeakTable<Step, Dictionary<string, EventDeclaration>> _declared = new();

    /// <summary>The declaration of an event of this step; null when the step does not log it.</summary>
    public EventDeclaration? Event(Step step, string type) =>
        _declared.GetValue(step, s => CommonEvents.All.Concat(Events(s)).ToDictionary(e => e.Type, StringComparer.Ordinal)).GetValueOrDefault(type);

    public IReadOnlyCollection<string> EventTypes(Step step) =>
        _declared.GetValue(step, s => CommonEvents.All.Concat(Events(s)).ToDictionary(e => e.Type, StringComparer.Ordinal)).Keys;
}

public static class StepTypes
{
    /// <summary>Every kind of step a file may use. A new task type is a folder under Tasks/ plus one line here.</summary>
    public static readonly IReadOnlyList<StepType> All =
    [
        new("consent", typeof(ConsentStep)),
        new("instructions", typeof(InstructionsStep)),
        new("questionnaire", typeof(QuestionnaireStep), QuestionnaireEvents.All),
        new("debrief", typeof(DebriefStep)),
        PenTask.Type,
        MapTask.Type,
        SelfRef.Core.Tasks.NameLetters.NameLettersTask.Type,
    ];

    public static IEnumerable<TaskType> Tasks => All.OfType<TaskType>();

    public static StepType Of(Step step) => All.First(t => t.RecordType == step.GetType());

    public static TaskType? TaskOf(Step step) => Of(step) as TaskType;

    // Looked up per outcome row by the report (a million rows for a large table): a dictionary, not a scan.
    private static readonly Dictionary<string, TaskType> ByName = Tasks.DistinctBy(t => t.Name, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);

    // A missing name (a file's step without a type, read leniently) is no task, as the scan said before.
    public static TaskType? Task(string name) => name is null ? null : ByName.GetValueOrDefault(name);
}
