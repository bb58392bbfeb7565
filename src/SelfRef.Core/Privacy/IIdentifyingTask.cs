using SelfRef.Core.Tasks;

namespace SelfRef.Core.Privacy;

/// <summary>
/// A task step that reads identifying answers (the own name, the home town) or whose events can
/// carry text that identifies the participant (typed letters, place searches). Each task type
/// says this of itself, so the privacy rules need no list of task types.
/// </summary>
public interface IIdentifyingTask
{
    /// <summary>Ids of the questionnaire questions whose answers this task compares with what the participant did.</summary>
    IEnumerable<string> IdentifyingQuestions { get; }

    /// <summary>Per event type, the fields of its data that may hold identifying text.</summary>
    IReadOnlyDictionary<string, IReadOnlyList<string>> IdentifyingEventFields { get; }

    /// <summary>
    /// This task's outcome as it may be kept after the identifiers are gone: what it says about a
    /// person or a place is left out. By default only the coordinates go.
    /// </summary>
    TaskOutcome WithoutIdentifiers(TaskOutcome outcome) => outcome with { TargetLat = null, TargetLon = null, HomeLat = null, HomeLon = null };
}
