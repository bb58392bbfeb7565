namespace SelfRef.Core.Sessions;

public enum SessionStatus { Active, Completed, Declined, Abandoned }

/// <summary>
/// One participant's walk through one experiment. The server holds the current step, so a
/// reload or a second tab with the same token resumes exactly here. Times are UTC.
/// </summary>
public sealed record Session
{
    /// <summary>The participant's random pseudonym; the only identifier analyses see.</summary>
    public string Id { get; init; } = "";
    /// <summary>Unguessable secret that lets a browser act for this session.</summary>
    public string Token { get; init; } = "";
    public string ExperimentId { get; init; } = "";
    public string ConditionId { get; init; } = "";
    /// <summary>Position in the experiment's balanced assignment sequence.</summary>
    public int Slot { get; init; }
    public string Language { get; init; } = "en";
    public Dictionary<string, string> Recruitment { get; init; } = [];
    public SessionStatus Status { get; init; }
    /// <summary>Step ids of this session's condition, in the order walked.</summary>
    public List<string> Steps { get; init; } = [];
    public int StepIndex { get; init; }
    public List<StepVisit> Visits { get; init; } = [];
    /// <summary>Questionnaire answers keyed "step.question"; numbers in invariant culture.</summary>
    public Dictionary<string, string> Answers { get; init; } = [];
    public string CompletionCode { get; init; } = "";
    public DateTime StartedAt { get; init; }
    public DateTime LastSeenAt { get; init; }
    public DateTime? EndedAt { get; init; }
    public string? UserAgent { get; init; }
    /// <summary>Unguessable code shown at the debrief with which the participant can withdraw later (/withdraw).</summary>
    public string WithdrawalCode { get; init; } = "";
    /// <summary>When the identifying answers, recruitment ids and event fields were deleted (retention); null while kept.</summary>
    public DateTime? IdentifiersDeletedAt { get; init; }
    /// <summary>Task outcomes per step id, derived when the participant left the step and again when what they read changed (answers, codes, late events).</summary>
    public Dictionary<string, Tasks.StoredOutcome> Outcomes { get; init; } = [];
    /// <summary>
    /// The version of the experiment file the session started on (the content hash, see
    /// ExperimentVersion): it is shown, derived and exported by that version, whatever the file
    /// says now. Empty for sessions stored before versions were kept: they belong to the earliest version.
    /// </summary>
    public string Version { get; init; } = "";
    /// <summary>A researcher's preview (pilot run): the real pages and logging, but no slot, and left out of outcomes, reports and exports unless asked for.</summary>
    public bool Pilot { get; init; }
    /// <summary>Why and by whom a researcher excluded the session from the analysis; null while it is included.</summary>
    public SessionExclusion? Exclusion { get; init; }

    [System.Text.Json.Serialization.JsonIgnore] public string CurrentStep => Steps[Math.Min(StepIndex, Steps.Count - 1)];
    [System.Text.Json.Serialization.JsonIgnore] public bool IsOpen => Status is SessionStatus.Active or SessionStatus.Abandoned;
    /// <summary>Whether the session holds a condition slot when running: pilots never do.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public bool TakesSlot => !Pilot;
    /// <summary>The assignment slot the session holds now: while active or completed, unless a pilot; null otherwise.</summary>
    [System.Text.Json.Serialization.JsonIgnore] public int? HeldSlot => TakesSlot && Status is SessionStatus.Active or SessionStatus.Completed ? Slot : null;
}

/// <summary>A researcher's decision to leave a session out of the analysis (it stays in exports, marked), with the reason the report counts.</summary>
public sealed record SessionExclusion(string Reason, string By, DateTime At);

public sealed record StepVisit
{
    public string StepId { get; init; } = "";
    public DateTime EnteredAt { get; init; }
    public DateTime? LeftAt { get; init; }
}
