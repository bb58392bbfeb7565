using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SelfRef.Core.Sessions;
using SelfRef.Tests.Support;

namespace SelfRef.Web.Tests;

/// <summary>
/// What identifies is a property of the kind of data: a study with a place question and no map
/// step exports no place, whatever the question is flagged; its privacy page says so; a number
/// answer that is no number is refused in the participant's language; an answer stored before
/// that rule does not break an export; cookies are Secure behind an https address.
/// </summary>
public sealed class DeidentificationTests : IAsyncLifetime
{
    private const string ExperimentId = "place-only";
    private const string Munich = "gn:2867714|München (Munich), Deutschland";
    private readonly ExperimentFolder _folder = new();
    private readonly SelfRefFactory _factory;

    public DeidentificationTests()
    {
        _folder.Write(ExperimentId, """
            {
              "id": "place-only",
              "title": { "en": "Where from", "de": "Woher" },
              "languages": ["en", "de"],
              "steps": [
                { "type": "questionnaire", "id": "about-you", "questions": [
                  { "id": "hometown", "type": "place", "label": { "en": "Where did you grow up?", "de": "Wo sind Sie aufgewachsen?" } },
                  { "id": "age", "type": "number", "label": { "en": "Your age", "de": "Ihr Alter" }, "required": false },
                  { "id": "hand", "type": "choice", "label": { "en": "Hand", "de": "Hand" }, "required": false,
                    "options": [ { "value": "left", "label": { "en": "left", "de": "links" } }, { "value": "right", "label": { "en": "right", "de": "rechts" } } ] } ] },
                { "type": "debrief", "id": "debrief", "text": { "en": "Thank you.", "de": "Danke." } }
              ]
            }
            """);
        _factory = new SelfRefFactory(experimentsFolder: _folder.Path);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_place_question_without_a_map_step_is_left_out_of_every_default_export_and_named_on_the_privacy_page()
    {
        var token = await _factory.Start(ExperimentId, "?lang=en");
        var (status, _) = await _factory.Advance(token, "about-you", new { hometown = Munich, age = "34", hand = "left" });
        Assert.Equal(HttpStatusCode.OK, status);
        var researcher = await _factory.LoggedIn();
        foreach (var format in new[] { "csv", "jsonl", "psych-ds" })
        {
            var all = Everything(await Zip(await researcher.GetAsync($"/researcher/experiments/{ExperimentId}/export?format={format}")));
            Assert.DoesNotContain("München", all);
            Assert.DoesNotContain("2867714", all);
            Assert.Contains("left", all);
        }

        var page = await _factory.Browser().GetStringAsync($"/privacy/{ExperimentId}?lang=en");
        var identifying = page[page.IndexOf("id=\"identifying\"", StringComparison.Ordinal)..];
        Assert.Contains("Where did you grow up?", identifying[..identifying.IndexOf("</ul>", StringComparison.Ordinal)]);
        Assert.DoesNotContain("never your name or your home town", page);
        Assert.Contains("only the researchers of this study can see them", page);
    }

    [Theory]
    [InlineData("NaN", "en", "Please enter an ordinary number")]
    [InlineData("Infinity", "de", "Bitte geben Sie eine gewöhnliche Zahl")]
    [InlineData("-1e999", "en", "Please enter an ordinary number")]
    public async Task A_number_answer_that_is_no_finite_number_is_refused_in_the_participants_language(string answer, string language, string message)
    {
        var token = await _factory.Start(ExperimentId, $"?lang={language}");
        var (status, body) = await _factory.Advance(token, "about-you", new { hometown = "Ulm", age = answer });
        Assert.NotEqual(HttpStatusCode.OK, status);
        var problem = body.GetProperty("problems").EnumerateArray().Single();
        Assert.Equal("age", problem.GetProperty("question").GetString());
        Assert.Equal("notFinite", problem.GetProperty("code").GetString());
        Assert.StartsWith(message, problem.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_answer_stored_as_NaN_before_such_answers_were_refused_exports_completely_in_every_format()
    {
        var sessions = _factory.Services.GetRequiredService<SessionService>();
        for (var i = 0; i < 3; i++)
        {
            var token = await _factory.Start(ExperimentId, "?lang=en");
            Assert.Equal(HttpStatusCode.OK, (await _factory.Advance(token, "about-you", new { hometown = "Ulm", age = "30", hand = "right" })).Status);
            var session = _factory.Store.FindSessionByToken(token)!;
            // As an earlier version of the questionnaire stored it.
            await sessions.Change(session, s => s with { Answers = new Dictionary<string, string>(s.Answers) { ["about-you.age"] = "NaN" } });
        }
        var researcher = await _factory.LoggedIn();
        foreach (var format in new[] { "csv", "jsonl", "psych-ds" })
        {
            var zip = await Zip(await researcher.GetAsync($"/researcher/experiments/{ExperimentId}/export?format={format}"));
            var participants = zip.Single(f => f.Key.Contains("participants")).Value;
            var lines = Encoding.UTF8.GetString(participants).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(format == "jsonl" ? 3 : 4, lines.Length);
            if (format == "jsonl")
                Assert.All(lines, line => Assert.Equal("NaN", JsonDocument.Parse(line).RootElement.GetProperty("about-you.age").GetString()));
            Assert.True(zip.ContainsKey(format == "psych-ds" ? "dataset_description.json" : "codebook.md"), $"{format}: the export ends before its codebook");
        }
    }

    [Fact]
    public async Task Cookies_are_secure_when_the_public_address_is_https_even_behind_a_proxy_that_speaks_http()
    {
        await using var factory = new SelfRefFactory(experimentsFolder: _folder.Path) { Settings = { ["SelfRef:PublicUrl"] = "https://study.example.org" } };
        var browser = factory.CreateClient(new() { AllowAutoRedirect = false });
        var started = await browser.GetAsync($"/s/{ExperimentId}");
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var cookie = Assert.Single(started.Headers.GetValues("Set-Cookie"));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        var login = await browser.GetAsync("/researcher/login");
        Assert.All(login.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<Dictionary<string, byte[]>> Zip(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
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
}
