namespace SelfRef.Core.Experiments;

/// <summary>
/// Whether an experiment takes new participants. Open, paused and closed are set by a
/// researcher and stored; full is never stored: an open experiment is full while its completed
/// and active sessions (those holding an assignment slot) reach the target sample size.
/// Sessions already started may always finish, whatever the status.
/// </summary>
public enum ExperimentStatus { Open, Paused, Closed, Full }

/// <summary>The researcher's last decisions about an experiment (no record: open, not archived).</summary>
public sealed record ExperimentState
{
    /// <summary>The experiment's id.</summary>
    public string Id { get; init; } = "";
    public ExperimentStatus Status { get; init; }
    /// <summary>Whether the researcher archived the study: the dashboard hides it unless asked to show archived studies. Participants are not affected.</summary>
    public bool Archived { get; init; }
    public DateTime ChangedAt { get; init; }
    /// <summary>The researcher account that set the status.</summary>
    public string ChangedBy { get; init; } = "";
}
