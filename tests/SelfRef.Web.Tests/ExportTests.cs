using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CsvHelper;
using SelfRef.Core.Events;
using SelfRef.Tests.Support;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Tests;

/// <summary>
/// Exports from the researcher area and the export verb, with participants whose answers and
/// typed text a spreadsheet would run as formulas, and who are identifiable by name and Prolific id.
/// </summary>
public class ExportTests : IAsyncLifetime
{
    private const string ExperimentId = "export-check";
    private static readonly string[] Formulas = ["=HYPERLINK(\"http://evil.example\",\"click\")", "+1", "-2+3", "@SUM(A1)"];
    private static readonly string[] Names = ["Annegret", "Bartholomäus", "Cordula", "Dietlinde"];
    private static readonly string[] ProlificIds = ["5f1e2d3c4b5a69788796a5b4", "60a1b2c3d4e5f60718293a4b", "6123456789abcdef01234567", "-bad+id"];

    private readonly string _experiments = Directory.CreateTempSubdirectory("selfref-export-experiments-").FullName;
    private readonly SelfRefFactory _factory;

    public ExportTests()
    {
        File.WriteAllText(Path.Combine(_experiments, $"{ExperimentId}.json"), """
            {
              "id": "export-check",
              "title": { "en": "Export check" },
              "languages": ["en"],
              "steps": [
                { "type": "consent", "id": "consent", "text": { "en": "Do you agree to take part?" } },
                { "type": "pen", "id": "pen", "instruction": { "en": "Type something." }, "input": "keyboard" },
                { "type": "questionnaire", "id": "about-you", "questions": [
                  { "id": "firstName", "type": "text", "label": { "en": "Your first name" } },
                  { "id": "surname", "type": "text", "label": { "en": "Your surname" } },
                  { "id": "comment", "type": "text", "label": { "en": "Anything else?" }, "required": false } ] },
                { "type": "debrief", "id": "debrief", "text": { "en": "Thank you." } }
              ],
              "recruitment": { "parameters": ["PROLIFIC_PID"] }
            }
            """);
        _factory = new SelfRefFactory(experimentsFolder: _experiments);
    }

    public async Task InitializeAsync()
    {
        for (var i = 0; i < Formulas.Length; i++) await Participant(Names[i], ProlificIds[i], Formulas[i]);
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        Directory.Delete(_experiments, recursive: true);
    }

    /// <summary>Types the formula as the first thing on the keyboard sheet, then gives it again as a comment.</summary>
    private async Task Participant(string name, string prolificId, string formula)
    {
        var token = await _factory.Start(ExperimentId, $"?lang=en&PROLIFIC_PID={Uri.EscapeDataString(prolificId)}");
        await _factory.Advance(token, "consent");
        await using (var hub = await _factory.Hub(token))
        {
            List<ClientEvent> events =
            [
                new(0, "step.onset", JsonDocument.Parse("""{"index":1}""").RootElement.Clone()),
                new(640, "text.input", JsonDocument.Parse(JsonSerializer.Serialize(new { text = formula })).RootElement.Clone()),
                new(900, "text.input", JsonDocument.Parse(JsonSerializer.Serialize(new { text = formula + " " + name })).RootElement.Clone()),
            ];
            Assert.Equal(events.Count, await hub.Append(token, new EventBatch(1, "pen", events)));
        }
        await _factory.Advance(token, "pen");
        var (status, _) = await _factory.Advance(token, "about-you", new { firstName = name, surname = "Zwiebelmann", comment = formula });
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Answers_and_typed_text_that_would_run_as_formulas_come_out_neutralised_in_the_csv_exports()
    {
        var researcher = await _factory.LoggedIn();
        foreach (var zip in new[] { await Get(researcher, "csv"), await Confirmed(researcher, "csv"), await Get(researcher, "psych-ds") })
        {
            var participants = Csv(zip, zip.Keys.Single(k => k.Contains("participants")));
            // Free text identifies by its kind: the comment is a column only with identifiers.
            if (participants.Header.Contains("about-you.comment"))
                Assert.Equal(Formulas.Select(f => "'" + f), participants.Rows.Select(r => r["about-you.comment"]));
            foreach (var (file, bytes) in zip.Where(f => f.Key.EndsWith(".csv")))
            {
                var (header, rows) = Csv(zip, file);
                foreach (var row in rows)
                    foreach (var column in header.Where(c => c is not ("t_ms" or "latency_ms")))
                        Assert.False(row[column].Length > 0 && "=+-@\t\r".Contains(row[column][0]),
                            $"{file}, column {column}: a spreadsheet would run '{row[column]}' as a formula");
            }
        }
        Assert.Contains("about-you.comment", Csv(await Confirmed(researcher, "csv"), "participants.csv").Header);
        // With identifiers the typed text is there, as text inside the event's JSON object.
        var events = Csv(await Confirmed(researcher, "csv"), "events.csv").Rows.Where(r => r["type"] == "text.input").ToList();
        Assert.Equal(Formulas, events.Where((_, i) => i % 2 == 0).Select(r => JsonDocument.Parse(r["data"]).RootElement.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task Identifiers_are_absent_by_default_and_present_only_after_confirmation()
    {
        var researcher = await _factory.LoggedIn();
        var zip = await Get(researcher, "csv");
        var plain = Everything(zip);
        foreach (var identifier in Names.Concat(ProlificIds.Take(3)).Append("Zwiebelmann"))
            Assert.DoesNotContain(identifier, plain);
        Assert.DoesNotContain("PROLIFIC_PID", Csv(zip, "participants.csv").Header);
        Assert.DoesNotContain("about-you.firstName", Csv(zip, "participants.csv").Header);
        // Free text can hold a name whatever the question asks: it identifies by its kind, flagged or not.
        Assert.DoesNotContain("about-you.comment", Csv(zip, "participants.csv").Header);
        Assert.Contains("Identifiers: not included", plain);

        // Asking for identifiers leads to the confirmation page, not to data.
        var asked = await researcher.GetAsync($"/researcher/experiments/{ExperimentId}/export?format=jsonl&includeIdentifiers=true");
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Equal($"/researcher/experiments/{ExperimentId}/export/confirm", asked.RequestMessage!.RequestUri!.AbsolutePath);
        var page = await asked.Content.ReadAsStringAsync();
        Assert.Contains("PROLIFIC_PID", page);
        Assert.DoesNotContain(Names[0], page);

        // The wrong id, or no anti-forgery token, exports nothing.
        var wrong = await researcher.PostAsync($"/researcher/experiments/{ExperimentId}/export", Form(Researchers.Antiforgery(page), "jsonl", "gallup-pen"));
        Assert.Contains("That was not the experiment id", await wrong.Content.ReadAsStringAsync());
        Assert.NotEqual("application/zip", wrong.Content.Headers.ContentType?.MediaType);
        var forged = await researcher.PostAsync($"/researcher/experiments/{ExperimentId}/export", Form(null, "jsonl", ExperimentId));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        var confirmed = await Confirmed(researcher, "jsonl");
        var all = Everything(confirmed);
        foreach (var identifier in Names.Concat(ProlificIds).Append("Zwiebelmann"))
            Assert.Contains(identifier, all);
        Assert.Contains("Identifiers: INCLUDED", all);
        var first = JsonDocument.Parse(Encoding.UTF8.GetString(confirmed["participants.jsonl"]).Split('\n')[0]).RootElement;
        Assert.Equal(ProlificIds[0], first.GetProperty("PROLIFIC_PID").GetString());
    }

    [Fact]
    public async Task The_experiment_page_offers_the_export_and_its_endpoints_refuse_an_anonymous_caller()
    {
        var researcher = await _factory.LoggedIn();
        var page = await researcher.GetStringAsync($"/researcher/experiments/{ExperimentId}");
        Assert.Contains($"action=\"/researcher/experiments/{ExperimentId}/export\"", page);
        Assert.Contains("name=\"includeIdentifiers\"", page);
        // The page's quick outcome table is an export too: no home coordinates.
        var outcomes = (await researcher.GetStringAsync($"/researcher/experiments/{ExperimentId}/outcomes.csv")).Split('\n');
        Assert.StartsWith("participant,experiment,task,", outcomes[0]);
        Assert.DoesNotContain("home_lat", outcomes[0]);
        Assert.Equal(Formulas.Length + 2, outcomes.Length);

        var anonymous = _factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        foreach (var response in new[]
        {
            await anonymous.GetAsync($"/researcher/experiments/{ExperimentId}/export?format=csv"),
            await anonymous.GetAsync($"/researcher/experiments/{ExperimentId}/export/confirm?format=csv"),
            await anonymous.PostAsync($"/researcher/experiments/{ExperimentId}/export", Form(null, "csv", ExperimentId)),
        })
        {
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            Assert.NotEqual("application/zip", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("/researcher/login", response.Headers.Location?.ToString() ?? "");
        }
    }

    [Fact]
    public async Task The_export_verb_refuses_a_database_the_server_holds_and_includes_identifiers_only_when_confirmed()
    {
        var output = Directory.CreateTempSubdirectory("selfref-export-verb-").FullName;
        try
        {
            string[] Args(string folder, params string[] more) =>
                ["export", "--experiment", ExperimentId, "--out", Path.Combine(output, folder), "--db", _factory.DatabasePath, "--experiments", _experiments, .. more];

            var (held, _, heldError) = Export(Args("held"));
            Assert.Equal(1, held);
            Assert.Contains("in use by another SelfRef process", heldError);

            await _factory.StopAsync();
            var (plain, said, _) = Export(Args("plain", "--format", "psych-ds"));
            Assert.Equal(0, plain);
            Assert.Contains("data/study-exportCheck_description-events_data.csv  12 rows", said);
            Assert.DoesNotContain(Names[0], string.Concat(Directory.GetFiles(Path.Combine(output, "plain"), "*", SearchOption.AllDirectories).Select(File.ReadAllText)));

            var (unconfirmed, _, unconfirmedError) = Export(Args("unconfirmed", "--include-identifiers"), input: "gallup-pen\n");
            Assert.Equal(1, unconfirmed);
            Assert.Contains("not the experiment id", unconfirmedError);
            Assert.False(Directory.Exists(Path.Combine(output, "unconfirmed")));

            var (typed, _, _) = Export(Args("typed", "--include-identifiers"), input: ExperimentId + "\n");
            Assert.Equal(0, typed);
            Assert.Contains(Names[0], File.ReadAllText(Path.Combine(output, "typed", "participants.csv")));

            var (scripted, _, _) = Export(Args("scripted", "--format", "jsonl", "--include-identifiers", "--confirm-identifiers", ExperimentId));
            Assert.Equal(0, scripted);
            Assert.Contains(ProlificIds[1], File.ReadAllText(Path.Combine(output, "scripted", "participants.jsonl")));

            var (again, _, againError) = Export(Args("typed"));
            Assert.Equal(1, again);
            Assert.Contains("is not empty", againError);
            Assert.Equal(2, Export(Args("bad", "--format", "xlsx")).Exit);

            // Coordinates are kept, if at all, on a grid no finer than the home radius.
            var (fine, _, fineError) = Export(Args("fine", "--coarse-coordinates", "10"));
            Assert.Equal(2, fine);
            Assert.Contains("at least 25 km", fineError);
            Assert.False(Directory.Exists(Path.Combine(output, "fine")));
            Assert.Equal(0, Export(Args("coarse", "--coarse-coordinates", "50", "--format", "jsonl")).Exit);
            Assert.Contains("rounded to the centre of a grid cell of about 50 km", File.ReadAllText(Path.Combine(output, "coarse", "codebook.md")));
            // Each export was written aside and renamed when complete: nothing half-made is left beside them.
            Assert.Empty(Directory.GetDirectories(output, ".*"));
        }
        finally { Directory.Delete(output, recursive: true); }
    }

    private static (int Exit, string Output, string Error) Export(string[] args, string input = "")
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = CommandLine.Run(args, new StringReader(input), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static async Task<Dictionary<string, byte[]>> Get(HttpClient researcher, string format) =>
        await Unzip(await researcher.GetAsync($"/researcher/experiments/{ExperimentId}/export?format={format}"));

    private static async Task<Dictionary<string, byte[]>> Confirmed(HttpClient researcher, string format)
    {
        var page = await researcher.GetStringAsync($"/researcher/experiments/{ExperimentId}/export/confirm?format={format}");
        return await Unzip(await researcher.PostAsync($"/researcher/experiments/{ExperimentId}/export", Form(Researchers.Antiforgery(page), format, ExperimentId)));
    }

    private static FormUrlEncodedContent Form(string? antiforgery, string format, string confirm)
    {
        var fields = new Dictionary<string, string> { ["format"] = format, ["confirm"] = confirm };
        if (antiforgery is not null) fields["__RequestVerificationToken"] = antiforgery;
        return new FormUrlEncodedContent(fields);
    }

    private static async Task<Dictionary<string, byte[]>> Unzip(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);
        return zip.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });
    }

    private static string Everything(Dictionary<string, byte[]> zip) => string.Join("\n", zip.Values.Select(Encoding.UTF8.GetString));

    private static (IReadOnlyList<string> Header, List<Dictionary<string, string>> Rows) Csv(Dictionary<string, byte[]> zip, string file)
    {
        using var reader = CsvReader.Create(new MemoryStream(zip[file]));
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read()) rows.Add(reader.Headers!.Select((h, i) => (h, reader.GetString(i))).ToDictionary(x => x.h, x => x.Item2));
        return ([.. reader.Headers ?? []], rows);
    }
}
