using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using SelfRef.Core.Events;
using SelfRef.Core.Sessions;
using SelfRef.Tests.Support;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Tests;

/// <summary>
/// A participant withdraws during the study (the page's button) or afterwards (/withdraw with
/// the code from the debrief): every record of theirs goes, the deletion is logged without them,
/// and after the rebuild the raw file holds no trace of pseudonym, token, name or town.
/// </summary>
public class WithdrawalTests : IAsyncLifetime
{
    private readonly SelfRefFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private SessionService Sessions => _factory.Services.GetRequiredService<SessionService>();

    private static ClientEvent Event(double t, string type, string data) => new(t, type, JsonDocument.Parse(data).RootElement.Clone());

    private string RawDatabase() => string.Concat(
        Directory.GetFiles(Path.GetDirectoryName(_factory.DatabasePath)!, Path.GetFileNameWithoutExtension(_factory.DatabasePath) + "*.db")
            .Select(file =>
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                return Encoding.Latin1.GetString(copy.ToArray());
            }));

    private async Task<(string Token, Session Session)> TypedTheName(string name, string town, bool finish)
    {
        var token = await _factory.Start("gallup-pen-keyboard", "?PROLIFIC_PID=PID" + name);
        await _factory.Advance(token, "consent");
        await _factory.Advance(token, "intro");
        await using (var hub = await _factory.Hub(token))
            await hub.Append(token, new EventBatch(1, "pen", [Event(0, "step.onset", "{}"), Event(300, "text.input", $$"""{"text":"{{name}} aus {{town}}"}""")]));
        if (finish)
        {
            await _factory.Advance(token, "pen");
            await _factory.Advance(token, "about-you", new { firstName = name, surname = town, age = "30", handedness = "left" });
        }
        return (token, Sessions.Find(token)!);
    }

    [Fact]
    public async Task Withdrawing_during_the_study_deletes_everything_frees_the_slot_and_stops_the_tab()
    {
        var (token, session) = await TypedTheName("Ottilie", "Wolfenbuettel", finish: false);
        var bystander = await TypedTheName("Bertram", "Gelsenkirchen", finish: true);
        await using var hub = await _factory.Hub(token);

        var response = await _factory.Browser().PostAsync($"/api/p/{token}/withdraw", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("withdrawn", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());

        // Nothing of the session is left, and nothing can bring it back.
        Assert.Null(_factory.Store.FindSession(session.Id));
        Assert.Null(_factory.Store.FindSessionByToken(token));
        Assert.Empty(_factory.Store.Events(session.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await _factory.Browser().GetAsync($"/api/p/{token}")).StatusCode);
        var refused = await Assert.ThrowsAsync<HubException>(() => hub.Append(token, new EventBatch(3, "pen", [Event(400, "text.input", """{"text":"x"}""")])));
        Assert.Contains("unknown session", refused.Message);
        Assert.Empty(_factory.Store.Events(session.Id));

        // The next participant takes the freed slot; the bystander is untouched.
        var next = Sessions.Find(await _factory.Start("gallup-pen-keyboard"))!;
        Assert.Equal(session.Slot, next.Slot);
        Assert.Equal("Bertram", _factory.Store.FindSession(bystander.Session.Id)!.Answers["about-you.firstName"]);
        Assert.NotEmpty(_factory.Store.Events(bystander.Session.Id));

        // The log says what and when, not who.
        var record = Assert.Single(_factory.Store.Deletions());
        Assert.Equal(("gallup-pen-keyboard", "withdrawn during the study", 1, 1, 2, 0), (record.ExperimentId, record.Reason, record.Sessions, record.EventBatches, record.Events, record.Codes));
        Assert.Equal(TimeSpan.Zero, record.Day.TimeOfDay);
        var logged = JsonSerializer.Serialize(record);
        foreach (var trace in new[] { session.Id, token, session.WithdrawalCode, "Ottilie" }) Assert.DoesNotContain(trace, logged);

        // At once, without rebuilding anything, the raw files hold no readable trace of the person:
        // what is left in free pages and the log was sealed with keys that are destroyed.
        var raw = RawDatabase();
        foreach (var trace in new[] { session.Id, token, session.WithdrawalCode, "Ottilie", "Wolfenbuettel", "PIDOttilie" })
            Assert.False(raw.Contains(trace, StringComparison.Ordinal), $"'{trace}' is still in the database file");
        Assert.Equal("Bertram", _factory.Store.FindSession(bystander.Session.Id)!.Answers["about-you.firstName"]);
    }

    [Fact]
    public async Task Withdrawing_afterwards_with_the_code_from_the_debrief_deletes_events_and_codes()
    {
        var (token, session) = await TypedTheName("Hildegard", "Bad Muenstereifel", finish: true);
        var debrief = await _factory.State(token);
        var code = debrief.GetProperty("completion").GetProperty("withdrawalCode").GetString()!;
        Assert.Equal(session.WithdrawalCode, code);
        Assert.Matches("^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$", code);
        await _factory.Store.SaveCode(new() { ExperimentId = "gallup-pen-keyboard", SessionId = session.Id, StepId = "pen", Coder = "a", Value = Core.Coding.CodeValue.OwnName });

        var browser = _factory.CreateClient();
        var form = await browser.GetStringAsync("/withdraw?lang=de");
        Assert.Contains("Widerrufscode", form);
        async Task<HttpResponseMessage> Post(string typed) => await browser.PostAsync("/withdraw", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["code"] = typed, ["lang"] = "de", ["__RequestVerificationToken"] = Researchers.Antiforgery(form),
        }));

        var progress = _factory.Services.GetRequiredService<SelfRef.Web.Researcher.ProgressTracker>();
        Assert.Contains(progress.Snapshot("gallup-pen-keyboard").Recent, r => r.Pseudonym == session.Id);

        var wrong = await Post("AAAA-BBBB-CCCC-DDDD");
        Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
        Assert.Contains("keine Teilnahme gefunden", WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync()));
        Assert.NotNull(_factory.Store.FindSession(session.Id));

        // Typed loosely: lower case, without hyphens.
        var done = await Post(code.Replace("-", " ").ToLowerInvariant());
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains("Ihre Daten wurden gelöscht", WebUtility.HtmlDecode(await done.Content.ReadAsStringAsync()));
        Assert.Null(_factory.Store.FindSession(session.Id));
        Assert.Empty(_factory.Store.Events(session.Id));
        Assert.Empty(_factory.Store.Codes("gallup-pen-keyboard"));
        var record = Assert.Single(_factory.Store.Deletions());
        Assert.Equal(("withdrawn after the study", 1), (record.Reason, record.Codes));
        // The dashboard forgets the participant too (it keeps its numbers in memory).
        var after = progress.Snapshot("gallup-pen-keyboard");
        Assert.DoesNotContain(after.Recent, r => r.Pseudonym == session.Id);
        Assert.Equal(0, after.Counts.Completed);
        // The researcher sees that someone withdrew, and nothing of whom.
        var page = await (await _factory.LoggedIn()).GetStringAsync("/researcher/experiments/gallup-pen-keyboard");
        Assert.Contains("withdrawn after the study", page);
        Assert.DoesNotContain(session.Id, page);

        await _factory.Services.GetRequiredService<PrivacySweeper>().RunOnce();
        var raw = RawDatabase();
        foreach (var trace in new[] { session.Id, token, code, "Hildegard", "Muenstereifel" })
            Assert.False(raw.Contains(trace, StringComparison.Ordinal), $"'{trace}' is still in the database file");
        Assert.Equal(HttpStatusCode.NotFound, (await Post(code)).StatusCode);
    }

    [Fact]
    public async Task The_privacy_page_says_what_is_stored_and_for_how_long_in_the_participants_language()
    {
        // Razor writes non-ASCII letters as character references; read the page as a browser shows it.
        async Task<string> Page(string path) => WebUtility.HtmlDecode(await _factory.Browser().GetStringAsync(path));
        var de = await Page("/privacy/gallup-map?lang=de");
        Assert.Contains("<html lang=\"de\">", de);
        Assert.Contains("Datenschutz: was diese Studie speichert", de);
        Assert.Contains("Ihre Antwort auf „Ihr Heimatort“", de);
        Assert.Contains("PROLIFIC_PID", de);
        Assert.Contains("sobald das geschehen ist", de);
        Assert.Contains("30 Tage nach Ihrem letzten Besuch", de);
        var en = await Page("/privacy/gallup-pen?lang=en");
        Assert.Contains("your answer to “Your first name”", en);
        Assert.Contains("until the researchers have compared what you wrote first", en);
        Assert.DoesNotContain("what you type or search for", en);
        Assert.Contains("what you type or search for", await Page("/privacy/gallup-pen-keyboard?lang=en"));
        Assert.Equal(HttpStatusCode.NotFound, (await _factory.Browser().GetAsync("/privacy/no-such-study")).StatusCode);
        var view = await _factory.State(await _factory.Start("gallup-map", "?lang=de"));
        Assert.Equal("/privacy/gallup-map?lang=de", view.GetProperty("privacyUrl").GetString());
    }
}

/// <summary>A participant's token reaches that participant's session and nothing else; the pseudonym is no key at all.</summary>
public class SessionIsolationTests : IAsyncLifetime
{
    private readonly SelfRefFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private SessionService Sessions => _factory.Services.GetRequiredService<SessionService>();

    [Fact]
    public async Task A_connection_bound_to_one_session_cannot_read_or_write_another()
    {
        var mine = await _factory.Start();
        var theirs = await _factory.Start();
        await using (var their = await _factory.Hub(theirs)) await their.Append(theirs, Participants.Batch(1, 4));
        await using var hub = await _factory.Hub(mine);

        Assert.Contains("another session", (await Assert.ThrowsAsync<HubException>(() => hub.Append(theirs, Participants.Batch(5, 1)))).Message);
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<long>("DurableOf", theirs, ""));
        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<long>("Durable", theirs));
        Assert.Equal(4, _factory.Store.Events(Sessions.Find(theirs)!.Id).Sum(b => b.Events.Count));
        Assert.Equal(0, await hub.InvokeAsync<long>("Durable", mine));
    }

    [Fact]
    public async Task The_pseudonym_opens_nothing()
    {
        var token = await _factory.Start();
        var pseudonym = Sessions.Find(token)!.Id;
        var browser = _factory.Browser();
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/api/p/{pseudonym}")).StatusCode);
        foreach (var action in new[] { "advance", "decline", "withdraw" })
            Assert.Equal(HttpStatusCode.NotFound, (await browser.PostAsync($"/api/p/{pseudonym}/{action}",
                new StringContent("""{"step":"consent"}""", Encoding.UTF8, "application/json"))).StatusCode);
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_factory.Server.BaseAddress, $"/hubs/participant?session={pseudonym}"), o => o.HttpMessageHandlerFactory = _ => _factory.Server.CreateHandler())
            .Build();
        try { await hub.StartAsync(); await hub.InvokeAsync<long>("Durable", pseudonym); Assert.Fail("a pseudonym opened a hub connection"); }
        catch (Exception e) when (e is not Xunit.Sdk.FailException) { /* closed during or right after the handshake */ }
        Assert.Equal(0, Sessions.Find(token)!.StepIndex);
        Assert.NotNull(_factory.Store.FindSession(pseudonym));
    }

    [Fact]
    public async Task Withdrawing_one_session_leaves_every_other_untouched()
    {
        var a = await _factory.Start();
        var b = await _factory.Start();
        await using (var hub = await _factory.Hub(b)) await hub.Append(b, Participants.Batch(1, 3));
        await _factory.Advance(b, "consent");
        (await _factory.Browser().PostAsync($"/api/p/{a}/withdraw", null)).EnsureSuccessStatusCode();
        var other = Sessions.Find(b)!;
        Assert.Equal(1, other.StepIndex);
        Assert.Equal(3, _factory.Store.Events(other.Id).Sum(x => x.Events.Count));
        Assert.Equal(1, (await _factory.State(b)).GetProperty("step").GetProperty("index").GetInt32());
    }
}
