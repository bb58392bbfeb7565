namespace SelfRef.Stats.Outcomes;

/// <summary>A value in an outcome table that cannot be read; says where and what was expected.</summary>
public sealed class OutcomeCsvException : Exception
{
    public OutcomeCsvException(string file, long line, string? column, string message)
        : base(column is null
            ? $"{file}, line {line}: {message}"
            : $"{file}, line {line}, column '{column}': {message}")
    {
        File = file;
        Line = line;
        Column = column;
    }

    public string File { get; }
    public long Line { get; }
    public string? Column { get; }
}
