using System.Net;
using System.Text;
using System.Text.Json;
using SelfRef.Core.Events;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;
using SelfRef.Tests.Support;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Tests;

/// <summary>
/// Identifiers at rest and after their retention: participants with known names and home towns
/// go through the real flow (link, API, hub); neither the raw database file nor the exports may
/// hold those strings once retention has passed, and before that the file holds them only encrypted.
/// </summary>
public class PrivacyTests : IAsyncLifetime
{
    private const string FirstName = "Wilhelmina", Surname = "Zwetschgenbaum", Town = "Quedlinburg", TownTyped = "Quedlinb", RecruitmentId = "PIDQX81734ZZ";
    private static readonly string[] Secrets = [FirstName, Surname, Town, TownTyped, RecruitmentId];

    private readonly SelfRefFactory _factory = new() { Time = new ManualClock(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero)) };

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private SessionService Sessions => _factory.Services.GetRequiredService<SessionService>();

    private static ClientEvent Event(double t, string type, string data) => new(t, type, JsonDocument.Parse(data).RootElement.Clone());

    /// <summary>Types the own first name as the first word, then gives name and surname.</summary>
    private async Task<string> KeyboardParticipant()
    {
        var token = await _factory.Start("gallup-pen-keyboard", $"?lang=en&PROLIFIC_PID={RecruitmentId}");
        await _factory.Advance(token, "consent");
        await _factory.Advance(token, "intro");
        await using (var hub = await _factory.Hub(token))
        {
            List<ClientEvent> events =
            [
                Event(0, "step.onset", """{"index":2}"""),
                Event(640, "key.down", """{"key":"W","code":"KeyW"}"""),
                Event(650, "text.input", $$"""{"text":"{{FirstName}}"}"""),
                Event(900, "text.input", $$"""{"text":"{{FirstName}} "}"""),
            ];
            Assert.Equal(events.Count, await hub.Append(token, new EventBatch(1, "pen", events)));
        }
        await _factory.Advance(token, "pen");
        var (status, _) = await _factory.Advance(token, "about-you", new { firstName = FirstName, surname = Surname, age = "30", handedness = "right" });
        Assert.Equal(HttpStatusCode.OK, status);
        return token;
    }

    /// <summary>Searches the own home town first, then names it.</summary>
    private async Task<string> MapParticipant()
    {
        var token = await _factory.Start("gallup-map", $"?lang=de&PROLIFIC_PID={RecruitmentId}");
        await _factory.Advance(token, "consent");
        await _factory.Advance(token, "intro");
        await using (var hub = await _factory.Hub(token))
        {
            List<ClientEvent> events =
            [
                Event(0, "step.onset", """{"index":2}"""),
                Event(0, "map.view", """{"lat":30,"lng":10,"zoom":2,"bounds":[-60,-10,80,60],"initial":true}"""),
                Event(1200, "map.search.input", $$"""{"q":"{{TownTyped}}"}"""),
                Event(1300, "map.search.suggestions", $$"""{"q":"{{TownTyped}}","ids":[2851465]}"""),
                Event(2100, "map.search.choose", $$"""{"id":2851465,"name":"{{Town}}","matched":"{{Town}}","q":"{{TownTyped}}","rank":0,"lat":51.78843,"lng":11.15006}"""),
            ];
            Assert.Equal(events.Count, await hub.Append(token, new EventBatch(1, "map", events)));
        }
        await _factory.Advance(token, "map");
        var (status, _) = await _factory.Advance(token, "about-you", new { hometown = Town, age = "41" });
        Assert.Equal(HttpStatusCode.OK, status);
        return token;
    }

    /// <summary>Every file of the database (data, log, rebuild leftovers), read as bytes.</summary>
    private string RawDatabase()
    {
        var folder = Path.GetDirectoryName(_factory.DatabasePath)!;
        var files = Directory.GetFiles(folder, Path.GetFileNameWithoutExtension(_factory.DatabasePath) + "*.db");
        Assert.Contains(_factory.DatabasePath, files);
        var text = new StringBuilder();
        foreach (var file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            text.Append(Encoding.Latin1.GetString(copy.ToArray()));
        }
        return text.ToString();
    }

    private static void AssertAbsent(string haystack, IEnumerable<string> secrets, string where)
    {
        foreach (var secret in secrets)
            Assert.False(haystack.Contains(secret, StringComparison.OrdinalIgnoreCase), $"'{secret}' found in {where}");
    }

    private static string Row(string csv, string participant, string task) =>
        csv.Split('\n').Single(l => l.StartsWith(participant + ",") && l.Split(',')[2] == task);

    [Fact]
    public async Task Identifiers_are_encrypted_at_rest_and_gone_from_file_and_exports_once_retention_passed()
    {
        var typed = Sessions.Find(await KeyboardParticipant())!;
        var searched = Sessions.Find(await MapParticipant())!;
        var researcher = await _factory.LoggedIn();

        // While kept: the server sees plain values, the file only ciphertext.
        Assert.Equal(FirstName, _factory.Store.FindSession(typed.Id)!.Answers["about-you.firstName"]);
        Assert.Equal(RecruitmentId, _factory.Store.FindSession(searched.Id)!.Recruitment["PROLIFIC_PID"]);
        Assert.Contains(_factory.Store.Events(searched.Id).SelectMany(b => b.Events), e => e.DataJson?.Contains(Town) == true);
        AssertAbsent(RawDatabase(), Secrets, "the database file while identifiers are kept (encrypted)");
        var before = await researcher.GetStringAsync("/researcher/experiments/gallup-map/outcomes.csv");
        Assert.Contains(",1,", Row(before, searched.Id, "map"));

        // Retention (afterOutcome, the default of both experiments) ends as the sessions complete.
        var deleted = await _factory.Services.GetRequiredService<PrivacySweeper>().RunOnce();
        Assert.Equal(2, deleted);

        var typedAfter = _factory.Store.FindSession(typed.Id)!;
        Assert.DoesNotContain("about-you.firstName", typedAfter.Answers.Keys);
        Assert.DoesNotContain("about-you.surname", typedAfter.Answers.Keys);
        Assert.Equal("30", typedAfter.Answers["about-you.age"]);
        Assert.Empty(typedAfter.Recruitment);
        Assert.NotNull(typedAfter.IdentifiersDeletedAt);
        var searchedAfter = _factory.Store.FindSession(searched.Id)!;
        Assert.DoesNotContain("about-you.hometown", searchedAfter.Answers.Keys);
        var choose = _factory.Store.Events(searched.Id).SelectMany(b => b.Events).Single(e => e.Type == "map.search.choose");
        Assert.Contains("\"redacted\"", choose.DataJson);

        // The outcomes survive, frozen: match result, distance and latency; no place, no coordinates.
        var keyboardCsv = await researcher.GetStringAsync("/researcher/experiments/gallup-pen-keyboard/outcomes.csv");
        Assert.Contains(",640,1,", Row(keyboardCsv, typed.Id, "pen"));
        Assert.Contains("first name (1.00)", Row(keyboardCsv, typed.Id, "pen"));
        var mapCsv = await researcher.GetStringAsync("/researcher/experiments/gallup-map/outcomes.csv");
        var mapRow = Row(mapCsv, searched.Id, "map").Split(',');
        Assert.Equal("1", mapRow[9]);
        Assert.Equal("search result", mapRow[11]);
        Assert.InRange(double.Parse(mapRow[12], System.Globalization.CultureInfo.InvariantCulture), 0, 1);

        // Neither the file (data, log, rebuild leftovers) nor any export holds a name, a town or a recruitment id.
        AssertAbsent(RawDatabase(), Secrets, "the database file after retention");
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_factory.DatabasePath)!, Path.GetFileNameWithoutExtension(_factory.DatabasePath) + "-backup*"));
        foreach (var export in new[] { "gallup-pen-keyboard/outcomes.csv", "gallup-map/outcomes.csv", "gallup-map", "gallup-pen-keyboard", "gallup-map/live-report" })
            AssertAbsent(await researcher.GetStringAsync($"/researcher/experiments/{export}"), Secrets, export);

        // The analyze verb reads the same file through the same keys and writes nothing identifying either.
        await _factory.StopAsync();
        var outDir = Directory.CreateTempSubdirectory("selfref-privacy-report-");
        try
        {
            var said = new StringWriter();
            var exit = CommandLine.Run(["analyze", "--experiment", "gallup-map", "--db", _factory.DatabasePath,
                "--experiments", _factory.ExperimentsFolder, "--out", outDir.FullName], TextReader.Null, said, said);
            Assert.True(exit == 0, said.ToString());
            Assert.Contains("map: 1/1", said.ToString());
            foreach (var file in Directory.GetFiles(outDir.FullName, "*", SearchOption.AllDirectories))
                AssertAbsent(Encoding.Latin1.GetString(File.ReadAllBytes(file)), Secrets, Path.GetFileName(file));
        }
        finally { outDir.Delete(recursive: true); }
    }

    [Fact]
    public async Task A_retention_pass_reads_only_sessions_still_holding_identifiers_and_the_first_after_a_start_finishes_a_half_done_one()
    {
        var sweeper = _factory.Services.GetRequiredService<PrivacySweeper>();
        var done = Sessions.Find(await KeyboardParticipant())!;
        Assert.Equal(1, await sweeper.RunOnce());
        Assert.NotNull(_factory.Store.FindSession(done.Id)!.IdentifiersDeletedAt);
        // The store lists only what may still hold identifiers: not the session whose key is gone.
        Assert.DoesNotContain(_factory.Store.SessionsHoldingIdentifiers("gallup-pen-keyboard"), s => s.Id == done.Id);

        // A participant who declines leaves a refusal, which holds no identifier: not read again either.
        var declined = await _factory.Start("gallup-pen-keyboard", $"?lang=en&PROLIFIC_PID={RecruitmentId}");
        var declinedId = Sessions.Find(declined)!.Id;
        Assert.Contains(_factory.Store.SessionsHoldingIdentifiers("gallup-pen-keyboard"), s => s.Id == declinedId);
        Assert.Equal(HttpStatusCode.OK, (await _factory.Browser().PostAsync($"/api/p/{declined}/decline", null)).StatusCode);
        Assert.Equal(SessionStatus.Declined, _factory.Store.FindSession(declinedId)!.Status);
        Assert.DoesNotContain(_factory.Store.SessionsHoldingIdentifiers("gallup-pen-keyboard"), s => s.Id == declinedId);

        // A pass stopped between destroying a session's identifier key and storing its record
        // without identifiers (a crash, an error): the key is gone, the record not yet marked and
        // its map outcome still names the home town's coordinates.
        var halfDone = Sessions.Find(await MapParticipant())!;
        Assert.Contains(_factory.Store.SessionsHoldingIdentifiers("gallup-map"), s => s.Id == halfDone.Id);
        Assert.True(await _factory.Store.DeleteIdentifiers(halfDone.Id));
        Assert.DoesNotContain(_factory.Store.SessionsHoldingIdentifiers("gallup-map"), s => s.Id == halfDone.Id);
        Assert.Contains(_factory.Store.FindSession(halfDone.Id)!.Outcomes.Values, o => !o.Deidentified);
        // A later pass of the running server reads only sessions still holding a key, so it does not see it ...
        Assert.Equal(0, await sweeper.RunOnce());
        Assert.Null(_factory.Store.FindSession(halfDone.Id)!.IdentifiersDeletedAt);
        // ... the first pass after a start reads every session and finishes it.
        var restarted = new RetentionPass(Sessions, _factory.Store, _factory.Time!);
        Assert.Equal(1, await restarted.Run());
        var finished = _factory.Store.FindSession(halfDone.Id)!;
        Assert.NotNull(finished.IdentifiersDeletedAt);
        Assert.All(finished.Outcomes.Values, o => Assert.True(o.Deidentified));
        Assert.Equal(0, await restarted.Run());
    }

    [Fact]
    public async Task A_server_that_stops_ends_a_retention_pass_between_two_sessions_each_done_or_untouched()
    {
        var first = Sessions.Find(await KeyboardParticipant())!;
        var second = Sessions.Find(await KeyboardParticipant())!;
        // The host's stop comes while the pass is in the first session it deletes (the soak's
        // SIGTERM came in a pass of 1,821 sessions: the store was closed under the rest of it).
        using var stop = new CancellationTokenSource();
        void StopAtFirstDeletion(Session changed) { if (changed.IdentifiersDeletedAt is not null) stop.Cancel(); }
        Sessions.Changed += StopAtFirstDeletion;
        var pass = new RetentionPass(Sessions, _factory.Store, _factory.Time!);
        try { await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pass.Run(stop.Token)); }
        finally { Sessions.Changed -= StopAtFirstDeletion; }

        var after = new[] { first, second }.Select(s => _factory.Store.FindSession(s.Id)!).ToList();
        var done = Assert.Single(after, s => s.IdentifiersDeletedAt is not null);
        Assert.Empty(done.Recruitment);
        var untouched = Assert.Single(after, s => s.IdentifiersDeletedAt is null);
        Assert.Equal(RecruitmentId, untouched.Recruitment["PROLIFIC_PID"]);
        Assert.Contains(_factory.Store.SessionsHoldingIdentifiers("gallup-pen-keyboard"), s => s.Id == untouched.Id);
        // The next pass takes up what the stopped one left.
        Assert.Equal(1, await pass.Run());
        Assert.NotNull(_factory.Store.FindSession(untouched.Id)!.IdentifiersDeletedAt);
    }

    [Fact]
    public async Task Abandoned_sessions_keep_identifiers_for_the_retention_days_from_their_last_sign_of_life()
    {
        var token = await _factory.Start("gallup-map", $"?PROLIFIC_PID={RecruitmentId}");
        await _factory.Advance(token, "consent");
        var clock = (ManualClock)_factory.Time!;
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, await Sessions.ReleaseAbandoned());
        var sweeper = _factory.Services.GetRequiredService<PrivacySweeper>();

        clock.Advance(TimeSpan.FromDays(29));
        Assert.Equal(0, await sweeper.RunOnce());
        Assert.Equal(RecruitmentId, _factory.Store.FindSessionByToken(token)!.Recruitment["PROLIFIC_PID"]);

        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, await sweeper.RunOnce());
        Assert.Empty(_factory.Store.FindSessionByToken(token)!.Recruitment);
        Assert.Equal(0, await sweeper.RunOnce());

        // The participant comes back and does the map task: its identifier key is gone, so no pass
        // will find the session again; what is derived now is stored de-identified at once.
        await _factory.Advance(token, "intro");
        await using (var hub = await _factory.Hub(token))
        {
            List<ClientEvent> events =
            [
                Event(0, "step.onset", """{"index":2}"""),
                Event(1200, "map.search.input", $$"""{"q":"{{TownTyped}}"}"""),
                Event(2100, "map.search.choose", $$"""{"id":2851465,"name":"{{Town}}","matched":"{{Town}}","q":"{{TownTyped}}","rank":0,"lat":51.78843,"lng":11.15006}"""),
            ];
            Assert.Equal(events.Count, await hub.Append(token, new EventBatch(1, "map", events)));
        }
        await _factory.Advance(token, "map");
        await _factory.Advance(token, "about-you", new { hometown = Town, age = "41" });
        var back = _factory.Store.FindSessionByToken(token)!;
        Assert.Contains("map", back.Outcomes.Keys);
        Assert.All(back.Outcomes.Values, o => Assert.True(o.Deidentified));
        Assert.DoesNotContain("about-you.hometown", back.Answers.Keys);
    }

    [Fact]
    public async Task Handwriting_keeps_the_name_until_two_coders_agree()
    {
        var token = await _factory.Start("gallup-pen", "?lang=en");
        await _factory.Advance(token, "consent");
        await _factory.Advance(token, "intro");
        await using (var hub = await _factory.Hub(token))
            await hub.Append(token, new EventBatch(1, "pen",
            [
                Event(0, "step.onset", """{"index":2}"""),
                Event(5, "pen.sheet", """{"width":800,"height":500}"""),
                Event(812.5, "pen.down", """{"s":0,"pt":"pen","x":0.1,"y":0.2,"p":0.4}"""),
                Event(900, "pen.points", """{"s":0,"pts":[[0.12,0.25,850,0.5,0,0],[0.14,0.2,900,0.5,0,0]]}"""),
                Event(950, "pen.up", """{"s":0,"x":0.14,"y":0.2}"""),
            ]));
        await _factory.Advance(token, "pen");
        await _factory.Advance(token, "about-you", new { firstName = FirstName, surname = Surname, age = "30", handedness = "right" });
        var id = Sessions.Find(token)!.Id;
        var sweeper = _factory.Services.GetRequiredService<PrivacySweeper>();

        Assert.Equal(0, await sweeper.RunOnce());
        await _factory.Store.SaveCode(new() { ExperimentId = "gallup-pen", SessionId = id, StepId = "pen", Coder = "a", Value = Core.Coding.CodeValue.OwnName });
        Assert.Equal(0, await sweeper.RunOnce());
        Assert.Equal(FirstName, _factory.Store.FindSession(id)!.Answers["about-you.firstName"]);
        await _factory.Store.SaveCode(new() { ExperimentId = "gallup-pen", SessionId = id, StepId = "pen", Coder = "b", Value = Core.Coding.CodeValue.OwnName });
        Assert.Equal(1, await sweeper.RunOnce());
        Assert.DoesNotContain("about-you.firstName", _factory.Store.FindSession(id)!.Answers.Keys);
        var csv = await (await _factory.LoggedIn()).GetStringAsync("/researcher/experiments/gallup-pen/outcomes.csv");
        Assert.Contains(",812.5,1,", Row(csv, id, "pen"));
        AssertAbsent(RawDatabase(), [FirstName, Surname], "the database file after coding");
    }
}
