using System.Text.Json;
using System.Text.RegularExpressions;
using SelfRef.Core.Events;
using SelfRef.Stats.Export;
using SelfRef.Stats.Outcomes;

namespace SelfRef.Stats.Tests.Export;

public class ExportFileTests
{
    private const string Hyperlink = "=HYPERLINK(\"http://evil.example\",\"click\")";

    [Fact]
    public void The_outcome_export_has_the_outcome_table_columns_with_home_coordinates_only_when_identifiers_are_included()
    {
        var all = OutcomeColumns.All(ExportFixture.Source().Tasks);
        Assert.Equal(all, OutcomeTable.Fields(ExportFixture.Source().Tasks).Select(f => f.Column.Name));
        Assert.Equal(all.Where(OutcomeColumns.Identifying.Contains), OutcomeTable.Fields(ExportFixture.Source().Tasks).Where(f => f.Column.Identifying).Select(f => f.Column.Name));
        Assert.Equal(all.Except(OutcomeColumns.Identifying), new ExportedFiles(ExportFormat.Csv, false).Csv("outcomes.csv").Header);
        Assert.Equal(all, new ExportedFiles(ExportFormat.Csv, true).Csv("outcomes.csv").Header);
    }

    [Fact]
    public void Csv_files_read_back_with_every_session_task_and_event()
    {
        var export = new ExportedFiles(ExportFormat.Csv, includeIdentifiers: false);
        var participants = export.Csv("participants.csv").Rows;
        Assert.Equal(["P-AAAAAAAAAA", "P-BBBBBBBBBB", "P-CCCCCCCCCC"], participants.Select(r => r["participant"]));
        Assert.Equal(["completed", "completed", "active"], participants.Select(r => r["status"]));
        Assert.Equal("2026-11-29T10:05:00.000Z", participants[0]["ended_at"]);
        Assert.Equal("", participants[2]["ended_at"]);
        Assert.Equal("31.5", participants[0]["about-you.age"]);
        Assert.Equal("left", participants[0]["about-you.hand"]);

        var outcomes = export.Csv("outcomes.csv").Rows;
        Assert.Equal(6, outcomes.Count);
        Assert.Equal(["pen", "map", "pen", "map", "pen", "map"], outcomes.Select(r => r["task"]));
        Assert.Equal("812.5", outcomes[0]["latency_ms"]);
        Assert.Equal("desktop", outcomes[0]["device"]);
        Assert.Equal("not reached", outcomes[5]["missing_reason"]);

        var events = export.Csv("events.csv").Rows;
        Assert.Equal(ExportFixture.EventCount, events.Count);
        Assert.Equal(["1", "2", "3"], events.Take(3).Select(r => r["n"]));
        Assert.Equal(820.25, double.Parse(events[2]["t_ms"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("-3.5", events[^1]["t_ms"]);
        Assert.Equal(("pen", "pen", "text.input"), (events[2]["step"], events[2]["task"], events[2]["type"]));
        // Without identifiers a map view says where nobody looked: its coordinates are removed and named.
        var view = events.Single(r => r["participant"] == "P-AAAAAAAAAA" && r["type"] == "map.view");
        Assert.Contains("lat", JsonDocument.Parse(view["data"]).RootElement.GetProperty("redacted").EnumerateArray().Select(v => v.GetString()));
        // With identifiers, a negative latitude is kept as a number inside its JSON text.
        var identified = new ExportedFiles(ExportFormat.Csv, includeIdentifiers: true).Csv("events.csv").Rows
            .Single(r => r["participant"] == "P-AAAAAAAAAA" && r["type"] == "map.view");
        Assert.Equal(-12.5, JsonDocument.Parse(identified["data"]).RootElement.GetProperty("lat").GetDouble());
    }

    [Fact]
    public void Csv_text_cells_that_would_run_as_formulas_are_neutralised_and_numbers_are_not()
    {
        var export = new ExportedFiles(ExportFormat.Csv, includeIdentifiers: true);
        var participants = export.Csv("participants.csv").Rows;
        Assert.Equal("'" + Hyperlink, participants[0]["about-you.comment"]);
        Assert.Equal("'+1", participants[1]["about-you.comment"]);
        Assert.Equal("'-2+3", participants[2]["PROLIFIC_PID"]);
        // Data cells are JSON objects: they start with "{", so the text inside can never run.
        var events = export.Csv("events.csv").Rows;
        Assert.All(events.Where(r => r["data"].Length > 0), r => Assert.StartsWith("{", r["data"]));
        Assert.Equal("@SUM(A1)", JsonDocument.Parse(events.Single(r => r["type"] == "map.search.input" && r["participant"] == "P-AAAAAAAAAA")["data"]).RootElement.GetProperty("q").GetString());
        Assert.Equal("-3.5", events[^1]["t_ms"]);
    }

    [Fact]
    public void Json_lines_read_back_with_the_same_values_and_texts_exactly_as_given()
    {
        var export = new ExportedFiles(ExportFormat.JsonLines, includeIdentifiers: true);
        var participants = Lines(export.Text("participants.jsonl"));
        Assert.Equal(3, participants.Count);
        Assert.Equal(Hyperlink, participants[0].GetProperty("about-you.comment").GetString());
        Assert.Equal(31.5, participants[0].GetProperty("about-you.age").GetDouble());
        Assert.True(participants[0].GetProperty("completed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, participants[2].GetProperty("ended_at").ValueKind);
        Assert.Equal(ExportFixture.ProlificId, participants[0].GetProperty("PROLIFIC_PID").GetString());

        var outcomes = Lines(export.Text("outcomes.jsonl"));
        Assert.Equal(OutcomeColumns.All(ExportFixture.Source().Tasks), outcomes[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(812.5, outcomes[0].GetProperty("latency_ms").GetDouble());

        var events = Lines(export.Text("events.jsonl"));
        Assert.Equal(ExportFixture.EventCount, events.Count);
        Assert.Equal(ExportFixture.Name, events[2].GetProperty("data").GetProperty("text").GetString());
        Assert.Equal(3L, events[2].GetProperty("n").GetInt64());
        Assert.Equal(JsonValueKind.Null, events.First(e => e.GetProperty("type").GetString() == "step.onset" && e.GetProperty("participant").GetString() == "P-CCCCCCCCCC").GetProperty("data").ValueKind);
    }

    [Theory]
    [InlineData(ExportFormat.Csv)]
    [InlineData(ExportFormat.JsonLines)]
    [InlineData(ExportFormat.PsychDs)]
    public void Identifiers_are_left_out_unless_included(ExportFormat format)
    {
        var without = new ExportedFiles(format, includeIdentifiers: false);
        var data = string.Join("\n", without.Listed.Where(f => f.Rows is not null).Select(f => without.Text(f.Path)));
        foreach (var identifier in new[] { ExportFixture.Name, ExportFixture.Surname, ExportFixture.ProlificId, "München", "@SUM(A1)", "KeyA", "PROLIFIC_PID", "home_lat" })
            Assert.DoesNotContain(identifier, data);
        Assert.Contains("\"redacted\":[\"text\"]", data.Replace("\"\"", "\""));
        Assert.Contains("Identifiers: not included", without.Text(format == ExportFormat.PsychDs ? "README.md" : "codebook.md"));

        var with = new ExportedFiles(format, includeIdentifiers: true);
        var all = string.Join("\n", with.Listed.Where(f => f.Rows is not null).Select(f => with.Text(f.Path)));
        foreach (var identifier in new[] { ExportFixture.Name, ExportFixture.Surname, ExportFixture.ProlificId, "München", "@SUM(A1)", "KeyA", "PROLIFIC_PID", "home_lat" })
            Assert.Contains(identifier, all);
        Assert.Contains("Identifiers: INCLUDED", with.Text(format == ExportFormat.PsychDs ? "README.md" : "codebook.md"));
    }

    [Theory]
    [InlineData(ExportFormat.Csv, false)]
    [InlineData(ExportFormat.JsonLines, true)]
    [InlineData(ExportFormat.PsychDs, true)]
    public void The_codebook_describes_every_column_of_every_data_file(ExportFormat format, bool includeIdentifiers)
    {
        var export = new ExportedFiles(format, includeIdentifiers);
        var codebookFile = format == ExportFormat.PsychDs ? ExperimentExport.PsychDsCodebookCsv : ExperimentExport.CodebookCsv;
        var codebook = export.Csv(codebookFile).Rows;
        var dataFiles = export.Listed.Where(f => f.Rows is not null).ToList();
        Assert.Equal(3, dataFiles.Count);
        foreach (var file in dataFiles)
        {
            var columns = format == ExportFormat.JsonLines
                ? Lines(export.Text(file.Path))[0].EnumerateObject().Select(p => p.Name).ToList()
                : export.Csv(file.Path).Header.ToList();
            var described = codebook.Where(r => r["file"] == file.Path).ToList();
            Assert.Equal(columns, described.Select(r => r["column"]));
            Assert.All(described, r =>
            {
                Assert.False(string.IsNullOrWhiteSpace(r["description"]), $"{file.Path}: {r["column"]} has no description");
                Assert.False(string.IsNullOrWhiteSpace(r["values"]), $"{file.Path}: {r["column"]} says nothing of its values");
                Assert.Contains(r["type"], new[] { "text", "number", "integer", "flag", "timestamp", "json" });
            });
            var page = export.Text(format == ExportFormat.PsychDs ? ExperimentExport.PsychDsReadme : ExperimentExport.CodebookMarkdown);
            Assert.Contains($"## {file.Path} ({file.Rows:N0} rows)", page);
            Assert.All(columns, c => Assert.Contains($"| `{c}` |", page));
        }
        Assert.Equal("ms", codebook.Single(r => r["column"] == "latency_ms")["unit"]);
        Assert.Equal("km", codebook.Single(r => r["column"] == "distance_km")["unit"]);
        // A question label with a "|" stays inside its Markdown cell (a free-text question: a column only with identifiers).
        var markdown = export.Text(format == ExportFormat.PsychDs ? ExperimentExport.PsychDsReadme : ExperimentExport.CodebookMarkdown);
        if (includeIdentifiers) Assert.Contains("Anything else? \\| (optional)", markdown);
        else Assert.Contains("about-you.comment", markdown[..markdown.IndexOf("## ", StringComparison.Ordinal)]);
    }

    [Fact]
    public void The_psych_ds_description_lists_every_column_of_every_data_file_and_files_are_named_by_keywords()
    {
        var export = new ExportedFiles(ExportFormat.PsychDs, includeIdentifiers: false);
        var description = JsonDocument.Parse(export.Text("dataset_description.json")).RootElement;
        Assert.Equal("https://schema.org/", description.GetProperty("@context").GetString());
        Assert.Equal("Dataset", description.GetProperty("@type").GetString());
        Assert.Equal("Export test", description.GetProperty("name").GetString());
        Assert.Contains("Identifiers: not included", description.GetProperty("description").GetString());
        var variables = description.GetProperty("variableMeasured").EnumerateArray().ToList();
        Assert.All(variables, v =>
        {
            Assert.Equal("PropertyValue", v.GetProperty("@type").GetString());
            Assert.False(string.IsNullOrWhiteSpace(v.GetProperty("description").GetString()));
        });
        var names = variables.Select(v => v.GetProperty("name").GetString()).ToList();
        Assert.Equal(names.Distinct().Count(), names.Count);
        Assert.Equal("ms", variables.Single(v => v.GetProperty("name").GetString() == "latency_ms").GetProperty("unitText").GetString());

        var dataFiles = export.Listed.Where(f => f.Rows is not null).Select(f => f.Path).ToList();
        Assert.Equal(
            ["data/study-exportTest_description-participants_data.csv", "data/study-exportTest_description-outcomes_data.csv", "data/study-exportTest_description-events_data.csv"],
            dataFiles);
        // The validator's rule for data file names.
        Assert.All(dataFiles, f => Assert.Matches(new Regex("^data/([a-z]+-[a-zA-Z0-9]+)(_[a-z]+-[a-zA-Z0-9]+)*_data\\.csv$"), f));
        foreach (var file in dataFiles)
            Assert.All(export.Csv(file).Header, column => Assert.Contains(column, names));
    }

    [Theory]
    [InlineData("gallup-pen", "gallupPen")]
    [InlineData("gallup-pen-keyboard", "gallupPenKeyboard")]
    [InlineData("study2", "study2")]
    public void Psych_ds_keyword_values_are_letters_and_digits(string id, string value) =>
        Assert.Equal(value, PsychDsDescription.KeywordValue(id));

    [Fact]
    public void The_event_table_reads_one_session_at_a_time_as_rows_are_written()
    {
        var read = new List<string>();
        IReadOnlyList<StoredBatch> Counting(string session)
        {
            read.Add(session);
            return ExportFixture.EventsOf(session);
        }
        using var rows = EventTable.Rows(ExportFixture.Source(Counting), includeIdentifiers: false).GetEnumerator();
        Assert.Empty(read);
        Assert.True(rows.MoveNext());
        Assert.Equal(["P-AAAAAAAAAA"], read);
        for (var i = 0; i < 5; i++) Assert.True(rows.MoveNext());
        Assert.Equal(["P-AAAAAAAAAA"], read);
        Assert.True(rows.MoveNext());
        Assert.Equal(["P-AAAAAAAAAA", "P-BBBBBBBBBB"], read);
    }

    private static List<JsonElement> Lines(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList();
}
