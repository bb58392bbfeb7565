using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using SelfRef.Core.Experiments;
using SelfRef.Tests.Support;

namespace SelfRef.Web.Tests;

/// <summary>
/// The experiment editor's endpoints: a draft's errors are the ones `validate` prints, a save is a
/// new version of the file in the experiments folder, a save from an outdated file is refused, and
/// nobody but a logged-in researcher on the editor's page gets in.
/// </summary>
public sealed class ExperimentEditorEndpointTests : IAsyncLifetime
{
    private readonly ExperimentFolder _folder = new("gallup-pen");
    private readonly SelfRefFactory _server;
    private HttpClient _client = null!;
    private string _token = "";

    public ExperimentEditorEndpointTests() => _server = new SelfRefFactory(experimentsFolder: _folder.Path);

    public async Task InitializeAsync()
    {
        _client = await _server.LoggedIn();
        _token = Researchers.Antiforgery(await _client.GetStringAsync("/researcher/experiments/new"));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    private ExperimentCatalog Catalog => _server.Services.GetRequiredService<ExperimentCatalog>();

    private async Task<HttpResponseMessage> Post(string path, object draft, HttpClient? client = null, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(draft) };
        request.Headers.Add("RequestVerificationToken", token ?? _token);
        return await (client ?? _client).SendAsync(request);
    }

    private static async Task<List<string>> Errors(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray()
            .Select(e => $"{e.GetProperty("path").GetString()}: {e.GetProperty("message").GetString()}").ToList();

    private static string Pen(Action<JsonObject> change)
    {
        var experiment = ExperimentFolder.Read("gallup-pen");
        change(experiment);
        return experiment.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    public static TheoryData<string, string> BrokenFiles => new()
    {
        { "not JSON", "{ \"id\": \"x\", " },
        { "schema errors", Pen(e => { e["steps"]![1]!["id"] = "Intro Step"; e["targetSampleSize"] = 0; e["colour"] = "blue"; }) },
        { "rule errors", Pen(e => { e["steps"]![2]!["instruction"]!["en"] = "Write your name."; e["steps"]![3]!["id"] = "pen"; }) },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public async Task A_drafts_errors_are_the_ones_the_validate_verb_prints_for_the_same_file(string what, string text)
    {
        var file = Path.Combine(_folder.Path, $"broken-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, text);
        var printed = new StringWriter();
        Assert.Equal(1, SelfRef.Web.Hosting.CommandLine.Run(["validate", file], TextReader.Null, new StringWriter(), printed));
        File.Delete(file);
        var expected = printed.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith(file + ": ", StringComparison.Ordinal)).Select(line => line[(file.Length + 2)..].TrimEnd('\r')).ToList();
        Assert.NotEmpty(expected);

        var response = await Post("/researcher/editor/check", new { text, editing = "gallup-pen" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var errors = await Errors(response);
        Assert.True(expected.SequenceEqual(errors), $"{what}: the editor's errors differ from validate's:\n{string.Join("\n", expected)}\nvs\n{string.Join("\n", errors)}");
    }

    [Fact]
    public async Task Saving_an_edited_file_makes_a_new_version_that_new_sessions_start_on()
    {
        var source = await _client.GetFromJsonAsync<JsonElement>("/researcher/experiments/gallup-pen/source");
        var before = Catalog.History("gallup-pen")!.CurrentVersion!;
        Assert.Equal(before.Hash, source.GetProperty("hash").GetString());
        Assert.Equal(await File.ReadAllTextAsync(_folder.File("gallup-pen")), source.GetProperty("text").GetString());

        var text = Pen(e => e["title"]!["en"] = "A pen, reworded");
        var response = await Post("/researcher/editor/save", new { text, editing = "gallup-pen", baseHash = before.Hash });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var saved = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(text, await File.ReadAllTextAsync(_folder.File("gallup-pen")));
        var history = Catalog.History("gallup-pen")!;
        Assert.Equal([before.Hash, ExperimentVersion.HashOf(text)], history.Versions.Select(v => v.Hash));
        Assert.Equal(ExperimentVersion.HashOf(text), history.CurrentVersion!.Hash);
        Assert.Equal(history.CurrentVersion.Hash, saved.GetProperty("version").GetString());
        Assert.Equal("A pen, reworded", history.Current!.Title["en"]);
        var token = await _server.Start("gallup-pen");
        Assert.Equal(history.CurrentVersion.Hash, _server.Store.FindSessionByToken(token)!.Version);
    }

    [Fact]
    public async Task A_save_from_a_file_that_changed_since_is_refused_and_the_change_stays()
    {
        var loaded = (await _client.GetFromJsonAsync<JsonElement>("/researcher/experiments/gallup-pen/source")).GetProperty("hash").GetString();
        // Someone else changes the file meanwhile (on disk, as with a text editor).
        var theirs = Pen(e => e["title"]!["en"] = "Their change");
        _folder.Write("gallup-pen", theirs);

        var response = await Post("/researcher/editor/save", new { text = Pen(e => e["title"]!["en"] = "My change"), editing = "gallup-pen", baseHash = loaded });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("gallup-pen.json has changed since you opened it", string.Join("\n", await Errors(response)));
        Assert.Equal(theirs, await File.ReadAllTextAsync(_folder.File("gallup-pen")));

        // Two editors of one file: the second save from the same version is refused too.
        var current = ExperimentVersion.HashOf(theirs);
        Assert.Equal(HttpStatusCode.OK, (await Post("/researcher/editor/save", new { text = Pen(e => e["title"]!["en"] = "First"), editing = "gallup-pen", baseHash = current })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Post("/researcher/editor/save", new { text = Pen(e => e["title"]!["en"] = "Second"), editing = "gallup-pen", baseHash = current })).StatusCode);
        Assert.Equal("First", Catalog.Current("gallup-pen")!.Title["en"]);
    }

    [Fact]
    public async Task A_file_with_errors_is_not_saved_and_a_new_experiment_gets_its_own_file_and_id()
    {
        var before = await File.ReadAllTextAsync(_folder.File("gallup-pen"));
        var broken = await Post("/researcher/editor/save", new { text = Pen(e => e["steps"]![2]!["instruction"]!["en"] = "Write your name."), editing = "gallup-pen", baseHash = ExperimentVersion.HashOf(before) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, broken.StatusCode);
        Assert.Contains("instruction", string.Join("\n", await Errors(broken)));
        Assert.Equal(before, await File.ReadAllTextAsync(_folder.File("gallup-pen")));

        // The id cannot change while editing, and a new experiment cannot take an id in use.
        Assert.Contains("$.id: the id cannot change while editing 'gallup-pen'", string.Join("\n", await Errors(await Post("/researcher/editor/check", new { text = Pen(e => e["id"] = "other"), editing = "gallup-pen" }))));
        var taken = await Post("/researcher/editor/save", new { text = before, baseHash = "" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, taken.StatusCode);
        Assert.Contains("$.id: experiment id 'gallup-pen' is already used; choose another", await Errors(taken));

        var created = await Post("/researcher/editor/save", new { text = Pen(e => e["id"] = "pen-copy"), baseHash = "" });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.True(File.Exists(_folder.File("pen-copy")));
        Assert.NotNull(Catalog.Current("pen-copy"));
        Assert.Equal("/researcher/experiments/pen-copy/edit", (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("editLink").GetString());
    }

    // Sent to the login (or, for an endpoint ASP.NET Core counts as an API, 401).
    private static bool RefusedToVisitor(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Unauthorized
        || (response.StatusCode is HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("/researcher/login"));

    [Fact]
    public async Task Only_a_logged_in_researcher_with_the_editors_token_reaches_the_editor()
    {
        var anonymous = _server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var text = Pen(e => e["title"]!["en"] = "Not allowed");
        foreach (var path in new[] { "/researcher/editor/check", "/researcher/editor/save" })
        {
            var response = await Post(path, new { text, editing = "gallup-pen", baseHash = Catalog.History("gallup-pen")!.CurrentVersion!.Hash }, anonymous);
            Assert.True(RefusedToVisitor(response), $"{path} answered {(int)response.StatusCode} to a visitor who is not logged in");
        }
        foreach (var path in new[] { "/researcher/experiments/new", "/researcher/experiments/gallup-pen/edit", "/researcher/experiments/gallup-pen/source", "/researcher/editor/schema.json", "/researcher/editor/templates" })
        {
            var response = await anonymous.GetAsync(path);
            Assert.True(RefusedToVisitor(response), $"{path} answered {(int)response.StatusCode} to a visitor who is not logged in");
        }

        // Logged in, but without the page's anti-forgery token (a request from another site's page).
        var forged = await Post("/researcher/editor/save", new { text, editing = "gallup-pen", baseHash = Catalog.History("gallup-pen")!.CurrentVersion!.Hash }, token: "forged");
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.NotEqual("Not allowed", Catalog.Current("gallup-pen")!.Title["en"]);
    }

    [Fact]
    public async Task The_editor_serves_the_schema_validate_uses_and_the_experiments_as_templates()
    {
        Assert.Equal(ExperimentSchema.Text, await _client.GetStringAsync("/researcher/editor/schema.json"));
        var templates = await _client.GetFromJsonAsync<JsonElement>("/researcher/editor/templates");
        var template = Assert.Single(templates.EnumerateArray());
        Assert.Equal("gallup-pen", template.GetProperty("id").GetString());
        Assert.Equal(await File.ReadAllTextAsync(_folder.File("gallup-pen")), template.GetProperty("text").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/researcher/experiments/no-such/edit")).StatusCode);
    }
}
