using SelfRef.Core.Coding;
using SelfRef.Simulation.Participants;

namespace SelfRef.Simulation;

/// <summary>How a simulated participant's session ended.</summary>
public enum SessionEnd { Completed, Declined, DroppedOut, Failed }

/// <summary>
/// One simulated participant's walk: their session token, the steps they finished (in their
/// condition's order), where it ended, whether the server holds every event they produced, and
/// their truth in each task type they reached (by task type name).
/// </summary>
public sealed record SimulatedSession(
    SimulatedParticipant Participant,
    string? Token,
    SessionEnd End,
    IReadOnlyList<string> StepsDone,
    string? LastStep,
    long EventsProduced,
    long? EventsDurable,
    string? Error,
    IReadOnlyDictionary<string, TaskTruth> Truths)
{
    public long EventsLost => Math.Max(0, EventsProduced - (EventsDurable ?? 0));
}

/// <summary>A simulated coder's code of a handwritten first word, to be stored once the session ids are known (<see cref="SimulatedCoders.Save"/>).</summary>
public sealed record SimulatedCode(string Token, string StepId, string Coder, CodeValue Value);

public sealed record SimulationResult
{
    public required SimulationOptions Options { get; init; }
    public required IReadOnlyList<SimulatedSession> Sessions { get; init; }
    public required IReadOnlyList<SimulatedCode> Codes { get; init; }
    public required TimeSpan Elapsed { get; init; }
    public required long EventsSent { get; init; }
    public required long Retries { get; init; }
    public required IReadOnlyDictionary<string, int> Errors { get; init; }

    public int Count(SessionEnd end) => Sessions.Count(s => s.End == end);
    public long EventsProduced => Sessions.Sum(s => s.EventsProduced);
    public long EventsLost => Sessions.Sum(s => s.EventsLost);
}
