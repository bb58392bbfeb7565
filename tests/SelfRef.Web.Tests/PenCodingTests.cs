using System.Globalization;
using System.Net;
using SelfRef.Core.Events;
using SelfRef.Core.Sessions;
using SelfRef.Tests.Support;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Tests;

public class PenCodingTests : IAsyncLifetime
{
    private readonly SelfRefFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private SessionService Sessions => _factory.Services.GetRequiredService<SessionService>();

    /// <summary>A participant who writes two strokes on the sheet (or types), then gives a name.</summary>
    private async Task<string> Participant(string experiment, string firstName, string surname, string? typed = null)
    {
        var token = await _factory.Start(experiment, "?lang=en");
        await _factory.Advance(token, "consent");
        await _factory.Advance(token, "intro");
        await using (var hub = await _factory.Hub(token))
        {
            var events = typed is null
                ? new List<ClientEvent>
                {
                    Event(0, "step.onset", """{"index":2}"""),
                    Event(5, "pen.sheet", """{"width":800,"height":500}"""),
                    Event(812.5, "pen.down", """{"s":0,"pt":"pen","x":0.1,"y":0.2,"p":0.4}"""),
                    Event(900, "pen.points", """{"s":0,"pts":[[0.12,0.25,850,0.5,0,0],[0.14,0.2,900,0.5,0,0]]}"""),
                    Event(950, "pen.up", """{"s":0,"x":0.14,"y":0.2}"""),
                    Event(1100, "pen.down", """{"s":1,"pt":"pen","x":0.15,"y":0.2,"p":0.4}"""),
                    Event(1200, "pen.points", """{"s":1,"pts":[[0.17,0.25,1200,0.5,0,0]]}"""),
                }
                : [Event(0, "step.onset", """{"index":2}"""), Event(640, "key.down", """{"key":"x"}"""), Event(650, "text.input", $$"""{"text":"{{typed}} "}""")];
            Assert.Equal(events.Count, await hub.Append(token, new EventBatch(1, "pen", events)));
        }
        await _factory.Advance(token, "pen");
        var (status, _) = await _factory.Advance(token, "about-you", new { firstName, surname, age = "30", handedness = "right" });
        Assert.Equal(HttpStatusCode.OK, status);
        return Sessions.Find(token)!.Id;
    }

    private static ClientEvent Event(double t, string type, string data) =>
        new(t, type, System.Text.Json.JsonDocument.Parse(data).RootElement.Clone());

    private static async Task Code(HttpClient coder, string session, string value)
    {
        var page = await coder.GetStringAsync($"/researcher/experiments/gallup-pen/coding?session={session}&step=pen");
        Assert.Contains(session, page);
        var response = await coder.PostAsync("/researcher/experiments/gallup-pen/coding", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["session"] = session, ["step"] = "pen", ["value"] = value, ["__RequestVerificationToken"] = Researchers.Antiforgery(page),
        }));
        Assert.True(response.IsSuccessStatusCode, $"coding answered {(int)response.StatusCode}");
    }

    [Fact]
    public async Task Two_coders_code_independently_and_kappa_is_the_one_computed_by_hand()
    {
        var participants = new List<string>();
        foreach (var (first, last) in new[] { ("Anna", "Berg"), ("Jonas", "Kurz"), ("Mia", "Lang"), ("Ole", "Sand") })
            participants.Add(await Participant("gallup-pen", first, last));
        await _factory.Services.GetRequiredService<ResearcherAccounts>().Create("coder2", "second-coder-pw", SelfRef.Core.Accounts.Role.Coder, ["gallup-pen"]);
        var a = await _factory.LoggedIn();
        var b = await _factory.LoggedIn("coder2", "second-coder-pw");

        // The coding page offers the first word and the name given later.
        var next = await a.GetStringAsync("/researcher/experiments/gallup-pen/coding");
        Assert.Contains($"/researcher/sessions/{participants[0]}/steps/pen/first-word.svg", next);
        Assert.Contains("Anna Berg", next);
        Assert.Contains("you have coded 0 of 4 answers; 4 wait for you", next);

        string[] codesA = ["OwnName", "OwnName", "Other", "Unreadable"];
        string[] codesB = ["OwnName", "Other", "Other", "Unreadable"];
        for (var i = 0; i < 4; i++)
        {
            await Code(a, participants[i], codesA[i]);
            await Code(b, participants[i], codesB[i]);
        }
        Assert.Contains("Nothing left to code for you", await a.GetStringAsync("/researcher/experiments/gallup-pen/coding"));

        // By hand: observed agreement 3/4; chance agreement .5·.25 + .25·.5 + .25·.25 = .3125; κ = (.75 − .3125) / (1 − .3125) = 7/11.
        var agreement = await a.GetStringAsync("/researcher/experiments/gallup-pen/agreement");
        Assert.Contains($"<strong id=\"kappa\">{(7.0 / 11).ToString("0.000", CultureInfo.CurrentCulture)}</strong>", agreement);
        Assert.Contains("Disagreements (1)", agreement);
        Assert.Contains($"coding?session={participants[1]}&amp;step=pen", agreement);

        // The outcome rows use the agreed codes.
        var csv = (await a.GetStringAsync("/researcher/experiments/gallup-pen/outcomes.csv")).Split('\n');
        Assert.StartsWith("participant,experiment,task,condition,task_order,device,pointer_type,language,latency_ms,self_reference,missing_reason", csv[0]);
        string Row(string participant) => csv.Single(l => l.StartsWith(participant + ","));
        Assert.Contains(",pen,default,1,", Row(participants[0]));
        Assert.Contains(",812.5,1,", Row(participants[0]));
        Assert.Contains(",coders disagree,", Row(participants[1]));
        Assert.Contains(",812.5,0,", Row(participants[2]));
        Assert.Contains(",unreadable,", Row(participants[3]));
    }

    [Fact]
    public async Task A_typed_first_word_is_matched_with_the_name_given_later()
    {
        var own = await Participant("gallup-pen-keyboard", "Jürgen", "Groß", typed: "Juergen");
        var other = await Participant("gallup-pen-keyboard", "Jürgen", "Groß", typed: "hallo");
        var researcher = await _factory.LoggedIn();
        var page = await researcher.GetStringAsync("/researcher/experiments/gallup-pen-keyboard");
        Assert.Contains("first name (1.00)", page);
        var csv = (await researcher.GetStringAsync("/researcher/experiments/gallup-pen-keyboard/outcomes.csv")).Split('\n');
        Assert.Contains(",640,1,", csv.Single(l => l.StartsWith(own + ",")));
        Assert.Contains(",640,0,", csv.Single(l => l.StartsWith(other + ",")));
    }

    [Fact]
    public async Task The_sheet_and_first_word_are_rendered_as_png_and_svg_for_researchers_only()
    {
        var participant = await Participant("gallup-pen", "Anna", "Berg");
        var researcher = await _factory.LoggedIn();
        foreach (var part in new[] { "sheet", "first-word" })
        {
            var png = await researcher.GetAsync($"/researcher/sessions/{participant}/steps/pen/{part}.png");
            Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
            var bytes = await png.Content.ReadAsByteArrayAsync();
            Assert.True(bytes.Length > 500 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', $"{part}.png is not a PNG");
            var svg = await researcher.GetStringAsync($"/researcher/sessions/{participant}/steps/pen/{part}.svg");
            Assert.Contains("<svg", svg);
            Assert.Contains("<path", svg);
        }
        var anonymous = await _factory.Browser().GetAsync($"/researcher/sessions/{participant}/steps/pen/sheet.png");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await researcher.GetAsync("/researcher/sessions/P-NOBODY/steps/pen/sheet.png")).StatusCode);
    }

    [Fact]
    public async Task The_live_report_shows_the_pen_task()
    {
        var participant = await Participant("gallup-pen", "Anna", "Berg");
        var researcher = await _factory.LoggedIn();
        await Code(researcher, participant, "OwnName");
        var report = await researcher.GetStringAsync("/researcher/experiments/gallup-pen/report");
        Assert.Contains("<html", report);
        Assert.Contains("pen", report);
        Assert.Contains("0.96", report);
    }

    [Fact]
    public async Task Analyze_reads_the_database_once_the_server_has_stopped_and_refuses_while_it_runs()
    {
        await Participant("gallup-pen-keyboard", "Jürgen", "Groß", typed: "Juergen");
        await Participant("gallup-pen-keyboard", "Jürgen", "Groß", typed: "hallo");
        var output = Directory.CreateTempSubdirectory("selfref-analyze-");
        try
        {
            string[] args = ["analyze", "--experiment", "gallup-pen-keyboard", "--db", _factory.DatabasePath, "--experiments", _factory.ExperimentsFolder, "--out", output.FullName];
            var busy = new StringWriter();
            Assert.Equal(1, Hosting.CommandLine.Run(args, TextReader.Null, new StringWriter(), busy));
            Assert.Contains("in use by another SelfRef process", busy.ToString());

            await _factory.StopAsync();
            var said = new StringWriter();
            var problem = new StringWriter();
            Assert.True(Hosting.CommandLine.Run(args, TextReader.Null, said, problem) == 0, problem.ToString());
            Assert.Contains("pen: 1/2 = 50", said.ToString());
            var results = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(output.FullName, "results.json"))).RootElement;
            var pen = results.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("task").GetString() == "pen");
            Assert.Equal(2, pen.GetProperty("n").GetInt32());
            Assert.Equal(1, pen.GetProperty("k").GetInt32());
            Assert.Equal(0.96, pen.GetProperty("reference").GetDouble());
            foreach (var file in new[] { "report.html", "report.md", "outcomes.csv" }) Assert.True(File.Exists(Path.Combine(output.FullName, file)), $"{file} missing");
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(output.FullName, "figures"), "*.png"));
        }
        finally { output.Delete(recursive: true); }
    }
}
