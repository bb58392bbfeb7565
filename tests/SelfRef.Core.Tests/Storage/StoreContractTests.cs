using System.Text.Json;
using SelfRef.Core.Accounts;
using SelfRef.Core.Coding;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;

using static SelfRef.Core.Tests.Storage.StoreSamples;

namespace SelfRef.Core.Tests.Storage;

/// <summary>
/// What every <see cref="IStore"/> promises, run against each store (LiteDbStoreContractTests,
/// PostgresStoreContractTests): acknowledgement after commit, idempotent resends, group commit in
/// which one failing write fails alone, refusals, quota, exact lookups, erasure and retention.
/// Each test has a database of its own; <see cref="OpenStore"/> opens the store on it again.
/// </summary>
public abstract class StoreContractTests : IAsyncLifetime
{
    /// <summary>The store under test (<see cref="Reopen"/> replaces it).</summary>
    protected IStore Store { get; private set; } = null!;

    /// <summary>A store on this test's database: the same data each time it is called.</summary>
    protected abstract IStore OpenStore(StoreOptions options);

    /// <summary>Writes, commits and retried groups of the store's writer.</summary>
    protected abstract (long Writes, long Commits, long Retries) Counters(IStore store);

    /// <summary>Makes the store run <paramref name="fail"/> inside the group's transaction right after it wrote a batch.</summary>
    protected abstract void FailAfterBatchInsert(IStore store, Action<string, EventBatch> fail);

    /// <summary>Removes the test's database once its store is closed.</summary>
    protected abstract void DeleteDatabase();

    public async Task InitializeAsync()
    {
        Store = OpenStore(new StoreOptions());
        foreach (var id in new[] { "P-A", "P-B", "P-AB" }) await Insert(Store, id);
    }

    public Task DisposeAsync()
    {
        Store.Dispose();
        DeleteDatabase();
        return Task.CompletedTask;
    }

    /// <summary>Closes the store and opens it again on the same database.</summary>
    protected IStore Reopen(StoreOptions? options = null)
    {
        Store.Dispose();
        return Store = OpenStore(options ?? new StoreOptions());
    }

    // A batch belongs to a stored session: its keys seal it.
    private static Task Insert(IStore store, string id) =>
        store.InsertSession(new Session { Id = id, Token = "token-" + id, ExperimentId = "x", Steps = ["consent", "pen"], StepIndex = 1 });

    private static EventBatch Batch(long seq, int count, string step = "pen") =>
        new(seq, step, Enumerable.Range(0, count)
            .Select(i => new ClientEvent(i * 8.5, "pen.point", JsonDocument.Parse($$"""{"x":{{i}},"y":0.5,"p":0.25}""").RootElement.Clone()))
            .ToList());

    private long StoredEventCount(string session) => Store.Events(session).Sum(b => b.Events.Count);

    [Fact]
    public async Task A_batch_is_stored_whole_and_acknowledged_with_its_last_number()
    {
        Assert.Equal(3, await Store.Append("P-A", Batch(1, 3)));
        Assert.Equal(5, await Store.Append("P-A", Batch(4, 2)));
        var batches = Store.Events("P-A");
        Assert.Equal([1L, 4L], batches.Select(b => b.Seq));
        Assert.Equal([1L, 2, 3, 4, 5], batches.SelectMany(b => b.Events).Select(e => e.N));
        Assert.Equal("""{"x":1,"y":0.5,"p":0.25}""", batches[0].Events[1].DataJson);
        Assert.Equal(8.5, batches[0].Events[1].T);
        Assert.Equal(DateTimeKind.Utc, batches[0].ReceivedAt.Kind);
    }

    [Fact]
    public async Task The_same_batch_twice_is_stored_once()
    {
        await Store.Append("P-A", Batch(1, 4));
        Assert.Equal(4, await Store.Append("P-A", Batch(1, 4)));
        Assert.Equal(4, StoredEventCount("P-A"));
    }

    [Fact]
    public async Task A_batch_overlapping_what_is_durable_stores_only_its_new_tail()
    {
        await Store.Append("P-A", Batch(1, 4));
        Assert.Equal(6, await Store.Append("P-A", Batch(3, 4)));
        Assert.Equal([1L, 2, 3, 4, 5, 6], Store.Events("P-A").SelectMany(b => b.Events).Select(e => e.N));
    }

    [Fact]
    public async Task A_gap_is_refused_and_nothing_is_stored()
    {
        await Store.Append("P-A", Batch(1, 2));
        var refused = await Assert.ThrowsAsync<BatchRefusedException>(() => Store.Append("P-A", Batch(5, 1)));
        Assert.Contains("expected is 3", refused.Message);
        Assert.Equal(2, StoredEventCount("P-A"));
        Assert.Equal(3, await Store.Append("P-A", Batch(3, 1)));
    }

    [Fact]
    public async Task Sessions_number_their_events_independently()
    {
        await Store.Append("P-A", Batch(1, 2));
        await Store.Append("P-B", Batch(1, 3));
        Assert.Equal(2, Store.DurableSeq("P-A"));
        Assert.Equal(3, Store.DurableSeq("P-B"));
    }

    [Fact]
    public async Task Two_tabs_of_one_session_number_their_events_in_streams_of_their_own()
    {
        Assert.Equal(3, await Store.Append("P-A", Batch(1, 3) with { Stream = "tab1" }));
        Assert.Equal(2, await Store.Append("P-A", Batch(1, 2) with { Stream = "tab2" }));
        Assert.Equal(3, await Store.Append("P-A", Batch(1, 3) with { Stream = "tab1" }));
        Assert.Equal(3, Store.DurableSeq("P-A", "tab1"));
        Assert.Equal(2, Store.DurableSeq("P-A", "tab2"));
        Assert.Equal(0, Store.DurableSeq("P-A"));
        var batches = Store.Events("P-A");
        Assert.Equal(["tab1", "tab2"], batches.Select(b => b.Stream));
        Assert.Equal(5, batches.Sum(b => b.Events.Count));
    }

    private static ClientEvent Onset(double at) =>
        new(0, "step.onset", JsonDocument.Parse($$"""{"index":1,"wall":{{at}},"timeOrigin":0,"at":{{at}},"viewport":{"width":800,"height":600},"coarsePointer":false}""").RootElement.Clone());

    [Fact]
    public async Task A_step_is_read_from_every_tab_and_reload_on_the_clock_of_its_first_onset()
    {
        // Tab one shows the step at 1,000 ms and draws at 100 ms; a second tab shows it 5 s later and draws at 50 ms;
        // tab one is reloaded 10 s after its first onset and draws at 20 ms.
        ClientEvent Point(double t) => new(t, "pen.point", JsonDocument.Parse("""{"x":0.5}""").RootElement.Clone());
        await Store.Append("P-A", new EventBatch(1, "pen", [Onset(1_000), Point(100)], "first"));
        await Store.Append("P-A", new EventBatch(1, "pen", [Onset(6_000), Point(50)], "second"));
        await Store.Append("P-A", new EventBatch(3, "pen", [Onset(11_000), Point(20)], "first"));
        var events = StepEvents.Of(Store.Events("P-A"), "pen");
        Assert.Equal([0.0, 100, 5_000, 5_050, 10_000, 10_020], events.Select(e => e.T));
        Assert.Equal([0, 0, 2, 2, 1, 1], events.Select(e => e.Segment));
        Assert.Equal([0.0, 0, 5_000, 5_000, 10_000, 10_000], events.Select(e => e.Offset));
    }

    [Fact]
    public async Task Events_of_some_steps_are_the_batches_of_those_steps_and_give_the_same_step_timeline()
    {
        ClientEvent Point(double t) => new(t, "pen.point", JsonDocument.Parse("""{"x":0.5}""").RootElement.Clone());
        await Store.Append("P-A", new EventBatch(1, "consent", [Onset(500)], "first"));
        await Store.Append("P-A", new EventBatch(2, "pen", [Onset(1_000), Point(100)], "first"));
        await Store.Append("P-A", new EventBatch(1, "pen", [Onset(6_000), Point(50)], "second"));
        await Store.Append("P-A", new EventBatch(4, "pen", [Point(300)], "first"));
        await Store.Append("P-A", new EventBatch(3, "consent", [Point(10)], "second"));
        var all = Store.Events("P-A");

        var pen = Store.Events("P-A", new HashSet<string> { "pen" });
        Assert.Equal(all.Where(b => b.Step == "pen").Select(b => (b.Stream, b.Seq, b.Events.Count)), pen.Select(b => (b.Stream, b.Seq, b.Events.Count)));
        Assert.Equal(3, pen.Count);
        Assert.Equal(StepEvents.Of(all, "pen").Select(e => (e.T, e.Type)), StepEvents.Of(pen, "pen").Select(e => (e.T, e.Type)));
        Assert.Equal(all.Select(b => (b.Stream, b.Seq)), Store.Events("P-A", new HashSet<string> { "pen", "consent" }).Select(b => (b.Stream, b.Seq)));
        Assert.Empty(Store.Events("P-A", new HashSet<string> { "map" }));
        Assert.Empty(Store.Events("P-A", new HashSet<string>()));
        Assert.Empty(Store.Events("P-B", new HashSet<string> { "pen" }));
    }

    [Fact]
    public async Task Concurrent_batches_are_committed_in_groups_and_none_is_lost()
    {
        const int sessions = 40, batchesEach = 50, size = 5;
        for (var s = 0; s < sessions; s++) await Insert(Store, $"P-{s}");
        var (writesBefore, commitsBefore, _) = Counters(Store);
        var work = Enumerable.Range(0, sessions).Select(s => Task.Run(async () =>
        {
            for (var b = 0; b < batchesEach; b++) await Store.Append($"P-{s}", Batch(1 + b * size, size));
        }));
        await Task.WhenAll(work);
        for (var s = 0; s < sessions; s++) Assert.Equal(batchesEach * size, Store.DurableSeq($"P-{s}"));
        var (writes, commits, _) = Counters(Store);
        Assert.Equal(sessions * batchesEach, writes - writesBefore);
        Assert.True(commits - commitsBefore < writes - writesBefore, $"{writes - writesBefore} writes took {commits - commitsBefore} commits: no group commit happened");
    }

    [Fact]
    public async Task Resends_overlaps_and_gaps_queued_together_are_decided_on_what_the_group_wrote_before_them()
    {
        const int sessions = 40;
        for (var s = 0; s < sessions; s++) await Insert(Store, $"P-R{s}");
        var (writesBefore, commitsBefore, _) = Counters(Store);
        // Queued without waiting, so each session's batches mostly share a group: each one must see what the ones before it wrote.
        var queued = Enumerable.Range(0, sessions).Select(s => (
            First: Store.Append($"P-R{s}", Batch(1, 3)),
            Resend: Store.Append($"P-R{s}", Batch(1, 3)),
            Gap: Store.Append($"P-R{s}", Batch(9, 1)),
            Overlap: Store.Append($"P-R{s}", Batch(2, 4)))).ToList();
        for (var s = 0; s < sessions; s++)
        {
            Assert.Equal(3, await queued[s].First);
            Assert.Equal(3, await queued[s].Resend);
            Assert.Contains("expected is 4", (await Assert.ThrowsAsync<BatchRefusedException>(() => queued[s].Gap)).Message);
            Assert.Equal(5, await queued[s].Overlap);
        }
        var (writes, commits, _) = Counters(Store);
        Assert.True(commits - commitsBefore < writes - writesBefore, $"{writes - writesBefore} writes took {commits - commitsBefore} commits: no batches shared a group");
        for (var s = 0; s < sessions; s++)
        {
            Assert.Equal(5, Store.DurableSeq($"P-R{s}"));
            Assert.Equal([1L, 2, 3, 4, 5], Store.Events($"P-R{s}").SelectMany(b => b.Events).Select(e => e.N));
        }
    }

    [Fact]
    public async Task A_write_that_fails_inside_a_group_fails_alone_and_what_is_read_is_what_was_committed()
    {
        const int streams = 50, batchesEach = 40, size = 3;
        for (var s = 0; s < streams; s++) await Insert(Store, $"P-S{s}");
        var injected = 0;
        // The database throws while storing one participant's batch, after it began writing, in the middle of everyone's group.
        FailAfterBatchInsert(Store, (session, batch) =>
        {
            if (session == "P-S7" && batch.Seq % 4 == 1 && ++injected <= 6) throw new InvalidOperationException("injected: the database could not store this batch");
        });
        var othersFailed = 0;
        var resent = 0;
        var work = Enumerable.Range(0, streams).Select(s => Task.Run(async () =>
        {
            for (var b = 0; b < batchesEach; b++)
            {
                while (true)
                {
                    try
                    {
                        Assert.Equal(1 + b * size + size - 1, await Store.Append($"P-S{s}", Batch(1 + b * size, size)));
                        break;
                    }
                    catch (InvalidOperationException) when (s == 7) { Interlocked.Increment(ref resent); }
                    catch { Interlocked.Increment(ref othersFailed); throw; }
                }
            }
        }));
        await Task.WhenAll(work);
        Assert.Equal(0, othersFailed);
        Assert.Equal(6, resent);
        Assert.True(Counters(Store).Retries >= 6, "the failing write was never retried apart from its group");
        for (var s = 0; s < streams; s++) Assert.Equal(batchesEach * size, Store.DurableSeq($"P-S{s}"));

        var reopened = Reopen();
        for (var s = 0; s < streams; s++)
        {
            Assert.Equal(batchesEach * size, reopened.DurableSeq($"P-S{s}"));
            Assert.Equal(Enumerable.Range(1, batchesEach * size).Select(n => (long)n), reopened.Events($"P-S{s}").SelectMany(b => b.Events).Select(e => e.N));
        }
    }

    [Fact]
    public async Task Acknowledged_events_survive_closing_and_reopening_the_store()
    {
        for (var b = 0; b < 20; b++) await Store.Append("P-A", Batch(1 + b * 10, 10));
        var reopened = Reopen();
        Assert.Equal(200, reopened.DurableSeq("P-A"));
        Assert.Equal(200, reopened.Events("P-A").Sum(b => b.Events.Count));
        Assert.Equal(201, await reopened.Append("P-A", Batch(1, 201)));
    }

    [Fact]
    public async Task A_refusal_replaces_the_session_and_deletes_its_events()
    {
        var session = new Session { Id = "P-A", Token = "t", ExperimentId = "x", Recruitment = new() { ["PROLIFIC_PID"] = "abc" }, Steps = ["consent"], StartedAt = DateTime.UtcNow };
        await Store.SaveSession(session);
        await Store.Append("P-A", Batch(1, 3, "consent"));
        await Store.Append("P-AB", Batch(1, 3, "consent"));
        await Store.SaveRefusal(new Session { Id = "P-A", Token = "t", ExperimentId = "x", Status = SessionStatus.Declined, Steps = ["consent"] });
        var stored = Store.FindSessionByToken("t")!;
        Assert.Equal(SessionStatus.Declined, stored.Status);
        Assert.Empty(stored.Recruitment);
        Assert.Empty(Store.Events("P-A"));
        Assert.Equal(3, StoredEventCount("P-AB"));
    }

    [Fact]
    public async Task A_batch_queued_after_the_refusal_brings_no_event_back()
    {
        await Store.InsertSession(new Session { Id = "P-R", Token = "tr", ExperimentId = "x", Steps = ["consent"] });
        var refusal = Store.SaveRefusal(new Session { Id = "P-R", Token = "tr", ExperimentId = "x", Status = SessionStatus.Declined, Steps = ["consent"] });
        var late = Store.Append("P-R", Batch(1, 2, "consent"));
        await refusal;
        var error = await Assert.ThrowsAsync<BatchRefusedException>(() => late);
        Assert.Contains("session has ended", error.Message);
        Assert.Empty(Store.Events("P-R"));
    }

    [Fact]
    public async Task Session_times_come_back_in_UTC()
    {
        var started = new DateTime(2026, 11, 29, 12, 0, 0, 123, DateTimeKind.Utc);
        await Store.InsertSession(new Session { Id = "P-T", Token = "tt", ExperimentId = "x", Steps = ["a"], StartedAt = started, LastSeenAt = started });
        var back = Store.FindSession("P-T")!;
        Assert.Equal(started, back.StartedAt);
        Assert.Equal(DateTimeKind.Utc, back.StartedAt.Kind);
    }

    // ---- sealing, erasure, retention, exact lookups ----

    private static StoreOptions Identifying => new() { Identifying = StoreSamples.Identifying };

    [Fact]
    public async Task A_session_its_events_and_codes_read_back_as_they_came_in()
    {
        var store = Reopen(Identifying);
        await store.InsertSession(MapSession("P-QUEDLIN", "tok-quedlin", "Quedlinburg", "Recruit0815"));
        await store.Append("P-QUEDLIN", Searched("Quedlinburg"));
        await store.SaveCode(new CoderCode { ExperimentId = Map.Id, SessionId = "P-QUEDLIN", StepId = "map", Coder = "anna", Value = CodeValue.OwnName });
        store = Reopen(Identifying);
        var back = store.FindSessionByToken("tok-quedlin")!;
        Assert.Equal(("Quedlinburg", "Siebenundvierzig", "Recruit0815"), (back.Answers["about-you.hometown"], back.Answers["about-you.age"], back.Recruitment["PROLIFIC_PID"]));
        Assert.Equal("P-QUEDLIN", Assert.Single(store.SessionsOf(Map.Id)).Id);
        var events = store.Events("P-QUEDLIN").Single().Events;
        Assert.Equal("""{"lat":30.123456,"lng":10.654321,"zoom":2,"wall":1796144067426}""", events[0].DataJson);
        var choose = JsonDocument.Parse(events[1].DataJson!).RootElement;
        Assert.Equal(("Quedlinburg", 51.78843, 2851465), (choose.GetProperty("name").GetString(), choose.GetProperty("lat").GetDouble(), choose.GetProperty("id").GetInt32()));
        var code = Assert.Single(store.Codes(Map.Id));
        Assert.Equal((CodeValue.OwnName, "anna"), (code.Value, code.Coder));
        Assert.Equal(code, Assert.Single(store.CodesOf("P-QUEDLIN")));
        await store.DeleteCode("P-QUEDLIN", "map", code.Slot);
        Assert.Empty(store.Codes(Map.Id));
    }

    [Fact]
    public async Task Erasing_a_session_deletes_everything_it_holds_refuses_its_later_writes_and_leaves_others()
    {
        var store = Reopen(Identifying);
        await store.InsertSession(MapSession("P-GONE", "tok-gone", "Wolfenbuettel", "RecruitGone"));
        await store.InsertSession(MapSession("P-STAY", "tok-stay", "Gelsenkirchen", "RecruitStay"));
        for (var b = 0; b < 5; b++)
        {
            await store.Append("P-GONE", new EventBatch(1 + b * 2, "map", [Event(b, "map.view", """{"lat":1,"lng":2,"zoom":3}"""), Event(b + 0.5, "map.view", """{"lat":1,"lng":2,"zoom":3}""")]));
            await store.Append("P-STAY", new EventBatch(1 + b * 2, "map", [Event(b, "map.view", """{"lat":1,"lng":2,"zoom":3}"""), Event(b + 0.5, "map.view", """{"lat":1,"lng":2,"zoom":3}""")]));
        }
        await store.SaveCode(new CoderCode { ExperimentId = Map.Id, SessionId = "P-GONE", StepId = "map", Coder = "anna", Value = CodeValue.OwnName });

        Assert.Equal(new DeletedRecords(1, 5, 10, 1), await store.DeleteSession("P-GONE"));
        Assert.Null(store.FindSession("P-GONE"));
        Assert.Null(store.FindSessionByToken("tok-gone"));
        Assert.Null(store.FindSessionByWithdrawalCode("CODE-TOK-GONE"));
        Assert.Empty(store.Events("P-GONE"));
        Assert.Empty(store.Codes(Map.Id));
        var late = await Assert.ThrowsAsync<BatchRefusedException>(() => store.Append("P-GONE", new EventBatch(11, "map", [Event(9, "map.view", "{}")])));
        Assert.Contains("session has ended", late.Message);
        await Assert.ThrowsAnyAsync<WriteRefusedException>(() => store.SaveCode(new CoderCode { ExperimentId = Map.Id, SessionId = "P-GONE", StepId = "map", Coder = "bert", Value = CodeValue.OwnName }));
        store = Reopen(Identifying);
        Assert.Null(store.FindSession("P-GONE"));
        Assert.Equal(["P-STAY"], store.SessionsOf(Map.Id).Select(s => s.Id));
        Assert.Equal("Gelsenkirchen", store.FindSession("P-STAY")!.Answers["about-you.hometown"]);
        Assert.Equal(10, store.DurableSeq("P-STAY"));
    }

    [Fact]
    public async Task Retention_destroys_the_identifier_key_only_identifying_values_go_and_say_so()
    {
        var store = Reopen(Identifying);
        await store.InsertSession(MapSession("P-RET", "tok-ret", "Quedlinburg", "RecruitRet"));
        await store.Append("P-RET", Searched("Quedlinburg"));
        Assert.True(await store.DeleteIdentifiers("P-RET"));
        Assert.False(await store.DeleteIdentifiers("P-RET"));
        // Typed after retention ended (an abandoned session that came back): not kept at all.
        await store.Append("P-RET", new EventBatch(3, "map", [Event(20, "map.search.input", """{"q":"Halberst"}""")]));
        store = Reopen(Identifying);
        var session = store.FindSession("P-RET")!;
        Assert.False(session.Answers.ContainsKey("about-you.hometown"));
        Assert.Equal("Siebenundvierzig", session.Answers["about-you.age"]);
        Assert.Empty(session.Recruitment);
        var events = store.Events("P-RET").SelectMany(b => b.Events).ToList();
        Assert.Equal("""{"zoom":2,"wall":1796144067426,"redacted":["lat","lng"]}""", events[0].DataJson);
        Assert.Equal(["id", "name", "q", "lat", "lng"], JsonDocument.Parse(events[1].DataJson!).RootElement.GetProperty("redacted").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(["q"], JsonDocument.Parse(events[2].DataJson!).RootElement.GetProperty("redacted").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task The_sessions_holding_identifiers_are_read_as_a_retention_pass_reaches_them_so_one_erased_meanwhile_is_not_handed_over()
    {
        // A pass held all of them decrypted for as long as it ran (they died in gen 2 and grew a busy
        // server's heap), and one withdrawn meanwhile was still handed over and failed the pass.
        var store = Reopen(Identifying);
        string[] ids = ["P-RP1", "P-RP2", "P-RP3"];
        foreach (var id in ids) await store.InsertSession(MapSession(id, "tok-" + id, "Quedlinburg", "Recruit" + id));
        var handed = new List<string>();
        string? erased = null;
        foreach (var session in store.SessionsHoldingIdentifiers(Map.Id))
        {
            handed.Add(session.Id);
            if (erased is not null) continue;
            erased = ids.Last(id => id != session.Id);
            await store.DeleteSession(erased);
        }
        Assert.Equal(2, handed.Count);
        Assert.DoesNotContain(erased, handed);
        Assert.Equal(ids.Where(id => id != erased).Order(), handed.Order());
    }

    [Fact]
    public async Task Tokens_pseudonyms_and_withdrawal_codes_match_exactly_not_case_blind()
    {
        await Store.InsertSession(MapSession("P-CASE", "AbCdEf", "Quedlinburg", "x"));
        Assert.NotNull(Store.FindSessionByToken("AbCdEf"));
        Assert.Null(Store.FindSessionByToken("abcdef"));
        Assert.Null(Store.FindSessionByToken("ABCDEF"));
        Assert.Null(Store.FindSession("p-case"));
        Assert.NotNull(Store.FindSessionByWithdrawalCode("CODE-ABCDEF"));
        Assert.Null(Store.FindSessionByWithdrawalCode("code-abcdef"));
        await Assert.ThrowsAnyAsync<WriteRefusedException>(() => Store.InsertSession(MapSession("P-CASE", "other", "x", "x")));
        await Assert.ThrowsAnyAsync<WriteRefusedException>(() => Store.SaveSession(MapSession("P-NONE", "none", "x", "x")));
    }

    [Fact]
    public async Task A_session_may_store_up_to_its_quota_and_a_batch_beyond_is_refused_with_a_clear_message()
    {
        var store = Reopen(new StoreOptions { SessionQuotaBytes = 4096 });
        await store.InsertSession(MapSession("P-BIG", "big", "x", "x"));
        await store.InsertSession(MapSession("P-SMALL", "small", "x", "x"));
        var filler = new string('x', 1000);
        long next = 1;
        var refusal = await Assert.ThrowsAsync<BatchRefusedException>(async () =>
        {
            while (true) next = 1 + await store.Append("P-BIG", new EventBatch(next, "map", [Event(next, "map.view", $$"""{"pad":"{{filler}}"}""")]));
        });
        Assert.Equal("storage quota used up: this session may store at most 0 MB", refusal.Message);
        Assert.InRange(next, 3, 4);
        Assert.Equal(1, await store.Append("P-SMALL", new EventBatch(1, "map", [Event(1, "map.view", $$"""{"pad":"{{filler}}"}""")])));
        // The bytes stored still count after a restart.
        store = Reopen(new StoreOptions { SessionQuotaBytes = 4096 });
        await Assert.ThrowsAsync<BatchRefusedException>(() => store.Append("P-BIG", new EventBatch(next, "map", [Event(next, "map.view", $$"""{"pad":"{{filler}}"}""")])));
    }

    // ---- accounts, experiment states and versions, deletion log, health ----

    [Fact]
    public async Task Accounts_states_versions_and_the_deletion_log_read_back_as_stored()
    {
        var created = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);
        await Store.SaveAccount(new ResearcherAccount { Id = "Anna", PasswordHash = "h1", CreatedAt = created, Role = Role.Coder, Experiments = ["x"] });
        await Store.SaveAccount(new ResearcherAccount { Id = "anna", PasswordHash = "h2", CreatedAt = created });
        await Store.SaveAccount(new ResearcherAccount { Id = "Anna", PasswordHash = "h3", CreatedAt = created, Role = Role.Coder, Experiments = ["x"] });
        Assert.Equal(2, Store.AccountCount());
        Assert.Equal(("h3", Role.Coder, created), (Store.FindAccount("Anna")!.PasswordHash, Store.FindAccount("Anna")!.Role, Store.FindAccount("Anna")!.CreatedAt));
        Assert.Equal(["x"], Store.FindAccount("Anna")!.Experiments);
        Assert.Equal("h2", Store.FindAccount("anna")!.PasswordHash);
        Assert.Null(Store.FindAccount("ANNA"));
        Assert.Equal(["Anna", "anna"], Store.Accounts().Select(a => a.Id));

        await Store.SaveExperimentState(new ExperimentState { Id = "x", Status = ExperimentStatus.Paused, ChangedAt = created, ChangedBy = "Anna" });
        await Store.SaveExperimentState(new ExperimentState { Id = "x", Status = ExperimentStatus.Closed, ChangedAt = created, ChangedBy = "Anna" });
        Assert.Throws<ArgumentException>(() => { _ = Store.SaveExperimentState(new ExperimentState { Id = "x", Status = ExperimentStatus.Full }); });
        var state = Assert.Single(Store.ExperimentStates());
        Assert.Equal((ExperimentStatus.Closed, created), (state.Status, state.ChangedAt));

        var version = new ExperimentVersion { ExperimentId = "x", Hash = "ab12", SeenAt = created, File = "x.json", Text = "{ \"id\": \"x\" }" };
        await Store.SaveExperimentVersion(version);
        await Store.SaveExperimentVersion(version with { SeenAt = created.AddDays(1), Text = "changed" });
        await Store.SaveExperimentVersion(version with { ExperimentId = "X" });
        Assert.Equal([("X", "ab12"), ("x", "ab12")], Store.ExperimentVersions().Select(v => (v.ExperimentId, v.Hash)).OrderBy(v => v.ExperimentId, StringComparer.Ordinal));
        var kept = Store.ExperimentVersions().Single(v => v.ExperimentId == "x");
        Assert.Equal((version.Text, created), (kept.Text, kept.SeenAt));

        await Store.LogDeletion(new DeletionRecord { Day = created.AddDays(2), ExperimentId = "x", Reason = "withdrawn", Sessions = 1 });
        await Store.LogDeletion(new DeletionRecord { Day = created, ExperimentId = "x", Reason = "declined", Sessions = 2 });
        Assert.Equal(["declined", "withdrawn"], Reopen().Deletions().Select(d => d.Reason));
        Assert.Equal(2, Store.AccountCount());
    }

    [Fact]
    public async Task A_store_that_works_passes_its_write_check()
    {
        await Store.CheckWritable();
        await Store.CheckWritable();
        Assert.Null(Store.Failure);
    }
}
