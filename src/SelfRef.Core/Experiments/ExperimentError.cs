namespace SelfRef.Core.Experiments;

/// <summary>What is wrong with an experiment file: which file, where in it (a JSON path), and what was expected.</summary>
public sealed record ExperimentError(string File, string JsonPath, string Message)
{
    public override string ToString() => $"{File}: {JsonPath}: {Message}";
}

/// <summary>Thrown when experiment files cannot be loaded; carries every error found, not just the first.</summary>
public sealed class ExperimentLoadException(IReadOnlyList<ExperimentError> errors)
    : Exception("Experiment files are invalid:\n" + string.Join("\n", errors.Select(e => "  " + e)))
{
    public IReadOnlyList<ExperimentError> Errors { get; } = errors;
}
