namespace SelfRef.Core.Experiments;

/// <summary>How much a finding about an experiment file matters.</summary>
public enum ProblemSeverity
{
    /// <summary>The file is not served until it is fixed.</summary>
    Error,

    /// <summary>The file is served, but something probably differs from what was meant (e.g. a language without its translation file).</summary>
    Warning,

    /// <summary>The file is served as it says; a deliberate choice worth recording (e.g. names allowed in a pen instruction).</summary>
    Notice,
}

/// <summary>
/// What an experiment file says wrong or notable: which file, where in it (a JSON path whose
/// steps are named by id where they have one, e.g. "$.steps[id=pen].instruction.de"), what was
/// expected, and, when a near match exists, the likely intended word (<paramref name="Suggestion"/>,
/// also said in the message).
/// </summary>
public sealed record ExperimentError(string File, string JsonPath, string Message, string? Suggestion = null, ProblemSeverity Severity = ProblemSeverity.Error)
{
    public override string ToString() =>
        $"{File}: {JsonPath}: {(Severity == ProblemSeverity.Error ? "" : Severity.ToString().ToLowerInvariant() + ": ")}{Message}";
}

/// <summary>Thrown when experiment files cannot be loaded; carries every error found, not just the first.</summary>
public sealed class ExperimentLoadException(IReadOnlyList<ExperimentError> errors)
    : Exception("Experiment files are invalid:\n" + string.Join("\n", errors.Select(e => "  " + e)))
{
    public IReadOnlyList<ExperimentError> Errors { get; } = errors;
}
