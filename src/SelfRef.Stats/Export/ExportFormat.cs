namespace SelfRef.Stats.Export;

/// <summary>csv: one CSV file per table; jsonl: one JSON lines file per table; psych-ds: a Psych-DS dataset folder.</summary>
public enum ExportFormat { Csv, JsonLines, PsychDs }

public static class ExportFormats
{
    /// <summary>The names used on the command line and in the web form, in the order offered.</summary>
    public static readonly IReadOnlyList<string> Names = ["csv", "jsonl", "psych-ds"];

    public static string Name(this ExportFormat format) => format switch
    {
        ExportFormat.Csv => "csv",
        ExportFormat.JsonLines => "jsonl",
        ExportFormat.PsychDs => "psych-ds",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    public static ExportFormat? Parse(string? name) => name?.ToLowerInvariant() switch
    {
        "csv" => ExportFormat.Csv,
        "jsonl" or "json-lines" or "jsonlines" => ExportFormat.JsonLines,
        "psych-ds" or "psychds" => ExportFormat.PsychDs,
        _ => null,
    };
}

/// <param name="IncludeIdentifiers">Whether identifying answers, recruitment parameters, identifying event fields, coordinates and place names are written. Only after the researcher confirmed.</param>
/// <param name="ExportedAt">When the export was made (UTC), stated in the codebook.</param>
public sealed record ExportOptions(ExportFormat Format, bool IncludeIdentifiers, DateTime ExportedAt)
{
    /// <summary>
    /// Without identifiers: keep the coordinates of what participants did (first targets, map views
    /// and clicks) rounded to this grid instead of leaving them out (at least 25 km; null: left out).
    /// </summary>
    public SelfRef.Core.Privacy.CoarseGrid? CoarseCoordinates { get; init; }

    /// <summary>The grid coordinates are rounded to in this export, when they are kept at all without identifiers.</summary>
    public SelfRef.Core.Privacy.CoarseGrid? Coarse => IncludeIdentifiers ? null : CoarseCoordinates;
}

/// <summary>A file of an export: its path inside the export (with '/') and, for data files, how many rows it has.</summary>
public sealed record ExportedFile(string Path, long? Rows);
