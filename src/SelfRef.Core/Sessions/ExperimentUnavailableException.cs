using SelfRef.Core.Experiments;

namespace SelfRef.Core.Sessions;

/// <summary>A new participant arrived at an experiment that is paused, closed or full; no session was started.</summary>
public sealed class ExperimentUnavailableException(string experimentId, ExperimentStatus status)
    : Exception($"experiment '{experimentId}' takes no new participants: it is {status.ToString().ToLowerInvariant()}")
{
    public string ExperimentId { get; } = experimentId;
    public ExperimentStatus Status { get; } = status;
}
