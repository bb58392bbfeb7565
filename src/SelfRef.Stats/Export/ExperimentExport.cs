using System.Text;
using SelfRef.Stats.Outcomes;

namespace SelfRef.Stats.Export;

/// <summary>
/// Writes an experiment's export: the participant, outcome and event tables in the chosen format
/// and a codebook, each file to a stream opened by <c>create</c> (a file in a folder, or an entry
/// of a zip on the response). Files are written one after the other and rows as they are derived,
/// session by session, so memory does not grow with the number of events.
/// </summary>
public static class ExperimentExport
{
    public const string CodebookCsv = "codebook.csv", CodebookMarkdown = "codebook.md", PsychDsReadme = "README.md", PsychDsCodebookCsv = "documentation/codebook.csv";

    public static IReadOnlyList<ExportedFile> Write(ExportSource source, ExportOptions options, Func<string, Stream> create)
    {
        var include = options.IncludeIdentifiers;
        var tables = new[]
        {
            ParticipantTable.Of(source, include),
            OutcomeTable.Of(OutcomeDerivation.Rows(source.History, source.Ordered, deidentified: !include, options.Coarse), include, source.Tasks, options.Coarse),
            EventTable.Of(source, include, options.Coarse),
        };
        var written = new List<(string File, ExportTable Table, long? Rows)>();
        foreach (var table in tables)
        {
            var file = FileOf(source.Experiment.Id, table.Name, options.Format);
            using var stream = create(file);
            var rows = options.Format == ExportFormat.JsonLines ? JsonLinesTableWriter.Write(stream, table) : CsvTableWriter.Write(stream, table);
            written.Add((file, table, rows));
        }

        var files = written.Select(w => new ExportedFile(w.File, w.Rows)).ToList();
        var codebook = Codebook.Table(written.Select(w => (w.File, w.Table)));
        var markdown = Codebook.Markdown(source.Experiment, options, written, SampleNotes(source));
        var (codebookCsv, codebookPage) = options.Format == ExportFormat.PsychDs ? (PsychDsCodebookCsv, PsychDsReadme) : (CodebookCsv, CodebookMarkdown);
        using (var stream = create(codebookCsv)) CsvTableWriter.Write(stream, codebook);
        files.Add(new(codebookCsv, null));
        WriteText(create, codebookPage, markdown);
        files.Add(new(codebookPage, null));
        if (options.Format == ExportFormat.PsychDs)
        {
            WriteText(create, PsychDsDescription.FileName, PsychDsDescription.Json(source.Experiment, options, written.Select(w => (w.File, w.Table))));
            files.Add(new(PsychDsDescription.FileName, null));
        }
        return files;
    }

    /// <summary>What the codebook says of the sessions written: the versions they ran on, pilot runs, exclusions.</summary>
    private static IEnumerable<string> SampleNotes(ExportSource source)
    {
        var sessions = source.Ordered.ToList();
        var used = sessions.GroupBy(source.History.HashOf).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var versions = source.History.Versions.Where(v => used.ContainsKey(v.Hash)).ToList();
        if (versions.Count > 0)
            yield return $"Versions of the experiment file the sessions ran on (column `version`): " +
                string.Join("; ", versions.Select(v => $"{v.Hash} (first served {v.SeenAt:yyyy-MM-dd HH:mm} UTC, {used[v.Hash]} session(s))")) + ".";
        yield return source.IncludePilots
            ? $"Pilot runs (researchers' previews) are INCLUDED: {sessions.Count(s => s.Pilot)} session(s), marked 1 in the `pilot` column."
            : "Pilot runs (researchers' previews) are left out.";
        var excluded = sessions.Count(s => s.Exclusion is not null);
        yield return $"Sessions excluded by a researcher stay in the files, marked in `excluded` with their `exclusion_reason`: {excluded} session(s).";
    }

    /// <summary>Where a table goes: outcomes.csv, outcomes.jsonl, or data/study-…_description-outcomes_data.csv.</summary>
    public static string FileOf(string experimentId, string table, ExportFormat format) => format switch
    {
        ExportFormat.Csv => $"{table}.csv",
        ExportFormat.JsonLines => $"{table}.jsonl",
        ExportFormat.PsychDs => PsychDsDescription.DataFile(experimentId, table),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    private static void WriteText(Func<string, Stream> create, string file, string text)
    {
        using var stream = create(file);
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
        stream.Write(bytes);
    }
}
