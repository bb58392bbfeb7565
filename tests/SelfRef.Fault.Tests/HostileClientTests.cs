using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using SelfRef.Fault.Tests.Support;
using SelfRef.Simulation.Load;
using SelfRef.Web.Participant;
using Xunit.Abstractions;

namespace SelfRef.Fault.Tests;

/// <summary>
/// Issue 7, fault (c): a hostile client with a session of its own sends garbage. Each kind is
/// answered with an error or a disconnect and changes nothing stored, its own session's events
/// included; a flood is held to the connection's call budget while ordinary participants finish.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class HostileClientTests(HostileServer server, ITestOutputHelper output) : IClassFixture<HostileServer>
{
    private static readonly string Valid = HostileServer.Batch(1);
    private static readonly string Just_under_the_limit = new('a', (int)ParticipantHub.MaxMessageBytes - 4096);

    /// <summary>What a hostile client sends on a connection bound to its own session, by what a reader would call it.</summary>
    private static readonly Dictionary<string, Func<RawHubConnection, string, string, Task<HubReply>>> Garbage = new()
    {
        ["a hub method that does not exist"] = (c, token, _) => c.Invoke("DeleteAllSessions", token),
        ["the researcher hub's Watch on a participant connection"] = (c, _, _) => c.Invoke("Watch", "*"),
        ["a number where the token goes"] = (c, _, _) => c.InvokeRaw("Append", $"[42, {Valid}]"),
        ["text where the batch goes"] = (c, token, _) => c.Invoke("Append", token, "all of it"),
        ["seq as text"] = (c, token, _) => c.InvokeRaw("Append", $$$"""[{{{Json(token)}}}, {"seq":"one","step":"consent","events":[{"t":1,"type":"pen.move"}]}]"""),
        ["events as an object instead of a list"] = (c, token, _) => c.InvokeRaw("Append", $$$"""[{{{Json(token)}}}, {"seq":1,"step":"consent","events":{"t":1}}]"""),
        ["one argument too few"] = (c, token, _) => c.Invoke("Append", token),
        ["one argument too many"] = (c, token, _) => c.InvokeRaw("Append", $"[{Json(token)}, {Valid}, 3]"),
        ["no batch at all (null)"] = (c, token, _) => c.InvokeRaw("Append", $"[{Json(token)}, null]"),
        ["an event type of 500 KB, just under the message limit"] = (c, token, _) =>
            c.InvokeRaw("Append", $$$"""[{{{Json(token)}}}, {"seq":1,"step":"consent","events":[{"t":1,"type":"{{{Just_under_the_limit}}}"}]}]"""),
        ["event data of 500 KB, just under the message limit"] = (c, token, _) =>
            c.InvokeRaw("Append", $$$"""[{{{Json(token)}}}, {"seq":1,"step":"consent","events":[{"t":1,"type":"pen.move","data":{"x":"{{{Just_under_the_limit}}}"}}]}]"""),
        ["a message over the 512 KB limit"] = (c, token, _) =>
            c.InvokeRaw("Append", $$$"""[{{{Json(token)}}}, {"seq":1,"step":"consent","events":[{"t":1,"type":"pen.move","data":{"x":"{{{new string('a', (int)ParticipantHub.MaxMessageBytes + 1024)}}}"}}]}]"""),
        ["text that is not JSON"] = async (c, _, _) =>
        {
            await c.SendFrame("{\"type\":1,\"target\":\"Append\",\"arguments\":[oops");
            return await Disconnect(c);
        },
        ["another session's token"] = (c, _, victim) => c.InvokeRaw("Append", $"[{Json(victim)}, {Valid}]"),
        ["another session's token to ask what is durable"] = (c, _, victim) => c.Invoke("Durable", victim),
        ["a made-up token"] = (c, _, _) => c.InvokeRaw("Append", $"[{Json("00000000000000000000000000000000")}, {Valid}]"),
        ["a sequence gap"] = (c, token, _) => c.InvokeRaw("Append", $"[{Json(token)}, {HostileServer.Batch(1_000_000)}]"),
        ["sequence number 0"] = (c, token, _) => c.InvokeRaw("Append", $"[{Json(token)}, {HostileServer.Batch(0)}]"),
        ["a negative sequence number"] = (c, token, _) => c.InvokeRaw("Append", $"[{Json(token)}, {HostileServer.Batch(-5)}]"),
        ["a step not reached yet"] = (c, token, _) => c.InvokeRaw("Append", $"[{Json(token)}, {HostileServer.Batch(1, step: "debrief")}]"),
        ["a step of no experiment"] = (c, token, _) => c.InvokeRaw("Append", $"[{Json(token)}, {HostileServer.Batch(1, step: "admin")}]"),
        ["1,001 events in one batch"] = (c, token, _) => c.InvokeRaw("Append", $"[{Json(token)}, {HostileServer.Batch(1, count: 1001)}]"),
        ["a stream name with capitals"] = (c, token, _) => c.InvokeRaw("Append", $"[{Json(token)}, {HostileServer.Batch(1, stream: "TAB")}]"),
        ["an event type with markup"] = (c, token, _) =>
            c.InvokeRaw("Append", $$$"""[{{{Json(token)}}}, {"seq":1,"step":"consent","events":[{"t":1,"type":"<script>"}]}]"""),
        ["a time of a trillion ms"] = (c, token, _) =>
            c.InvokeRaw("Append", $$$"""[{{{Json(token)}}}, {"seq":1,"step":"consent","events":[{"t":1e12,"type":"pen.move"}]}]"""),
        ["data nested seven deep"] = (c, token, _) =>
            c.InvokeRaw("Append", "[" + Json(token) + """, {"seq":1,"step":"consent","events":[{"t":1,"type":"pen.move","data":{"a":{"b":{"c":{"d":{"e":{"f":{"g":1}}}}}}}}]}]"""),
        ["data that is a list"] = (c, token, _) =>
            c.InvokeRaw("Append", $$$"""[{{{Json(token)}}}, {"seq":1,"step":"consent","events":[{"t":1,"type":"pen.move","data":[1,2]}]}]"""),
    };

    public static TheoryData<string> GarbageKinds()
    {
        var kinds = new TheoryData<string>();
        foreach (var kind in Garbage.Keys) kinds.Add(kind);
        return kinds;
    }

    [Theory]
    [MemberData(nameof(GarbageKinds))]
    public async Task Garbage_from_a_participant_connection_is_answered_with_an_error_or_a_disconnect_and_changes_nothing(string kind)
    {
        var token = await server.NewSession();
        var before = server.Snapshot();
        await using var hostile = await server.Connect(token);

        var reply = await Garbage[kind](hostile, token, server.VictimTokens[0]);

        output.WriteLine($"{kind}: {Clip(reply.ToString())}");
        Assert.True(reply.Refused, $"the server accepted {kind}: {Clip(reply.ToString())}");
        Assert.Equal(before, server.Snapshot());
    }

    public static TheoryData<string> RefusedConnections() => new()
    {
        "/hubs/participant?session=00000000000000000000000000000000",
        "/hubs/participant",
        "/hubs/participant?session={victim id}",
        "/hubs/researcher",
    };

    [Theory]
    [MemberData(nameof(RefusedConnections))]
    public async Task A_connection_without_a_valid_session_token_or_researcher_login_is_refused(string path)
    {
        var before = server.Snapshot();
        var url = new Uri(server.BaseUrl, path.Replace("{victim id}", server.SessionId(server.VictimTokens[0])));
        string outcome;
        try
        {
            await using var connection = await RawHubConnection.Connect(url);
            // The handshake may complete before the hub looks at the token; then it closes the connection.
            var reply = await connection.Invoke("Durable", server.VictimTokens[0]);
            Assert.True(reply.Refused, $"{path} answered {reply}");
            outcome = reply.ToString();
        }
        catch (WebSocketException e)
        {
            outcome = "WebSocket refused: " + e.Message;
        }
        output.WriteLine($"{path}: {Clip(outcome)}");
        Assert.Equal(before, server.Snapshot());
    }

    [Fact]
    public async Task Replaying_a_sessions_own_batches_with_other_content_changes_nothing_stored()
    {
        var token = await server.NewSession();
        await using var client = await server.Connect(token);
        Assert.Equal(5, (await client.InvokeRaw("Append", $"[{Json(token)}, {HostileServer.Batch(1, count: 5, x: 0.1)}]")).Result?.GetInt64());
        var id = server.SessionId(token);
        var original = server.Snapshot()[id];

        foreach (var replay in new[] { HostileServer.Batch(1, count: 5, x: 0.9), HostileServer.Batch(2, count: 2, x: 0.9), HostileServer.Batch(5, count: 1, x: 0.9) })
        {
            var reply = await client.InvokeRaw("Append", $"[{Json(token)}, {replay}]");
            Assert.Equal(5, reply.Result?.GetInt64());
        }
        Assert.Equal(original, server.Snapshot()[id]);

        // A replay that reaches past the durable events stores only its new tail.
        Assert.Equal(8, (await client.InvokeRaw("Append", $"[{Json(token)}, {HostileServer.Batch(4, count: 5, x: 0.9)}]")).Result?.GetInt64());
        var events = server.Store.Events(id).SelectMany(b => b.Events).ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], events.Select(e => e.N));
        Assert.All(events.Take(5), e => Assert.Contains("0.1", e.DataJson));
        Assert.All(events.Skip(5), e => Assert.Contains("0.9", e.DataJson));
    }

    [Fact]
    public async Task A_flood_of_10000_batches_a_second_is_held_to_the_call_budget_while_other_participants_finish_and_lose_nothing()
    {
        var load = new LoadOptions
        {
            BaseUrl = server.BaseUrl,
            Clients = 20,
            EventsPerSecond = 20,
            BatchInterval = TimeSpan.FromMilliseconds(200),
            Duration = TimeSpan.FromSeconds(4),
            DrainTimeout = TimeSpan.FromSeconds(60),
        };
        var baseline = await LoadGenerator.RunAsync(load);
        Assert.True(baseline.Complete);

        var token = await server.NewSession();
        var hostileId = server.SessionId(token);
        var before = server.Snapshot(hostileId);
        var clock = Stopwatch.StartNew();
        await using var hostile = await server.Connect(token);
        using var stop = new CancellationTokenSource();
        var attack = new Attack();
        var flood = Flood(hostile, token, attack, stop.Token);
        var churn = Churn(attack, stop.Token);

        // The participants stream until the flood has been answered well past its burst (so the
        // budget's rate is reached, not only its burst), has sent far more than that, garbage
        // connections were refused and the participants had their events acknowledged meanwhile;
        // however long that takes on a busy machine. The duration only catches a hang.
        var underAttack = await LoadGenerator.RunAsync(load with
        {
            Seed = 2,
            Duration = TimeSpan.FromMinutes(3),
            Until = p => hostile.Answered >= AnsweredWanted && attack.Sent >= SentWanted && attack.Refused >= RefusedWanted && p.Acknowledged >= AcknowledgedWanted,
        });
        // Answered calls and the time the connection has had for them, read at the same moment:
        // the budget allows at most its burst plus its rate times that time.
        var (answered, elapsed) = (hostile.Answered, clock.Elapsed);
        await stop.CancelAsync();
        var sent = await flood;
        var refusedConnections = await churn;

        var bound = Bound(baseline.AckLatency.P99);
        output.WriteLine($"flood: {sent} calls sent, {answered} answered in {elapsed.TotalSeconds:F1} s (budget {ParticipantHub.CallsPerSecond}/s, burst {ParticipantHub.CallBurst}); {refusedConnections} garbage connections refused");
        output.WriteLine($"20 participants' ack latency p50 / p99 / max: baseline {baseline.AckLatency.P50:F1} / {baseline.AckLatency.P99:F1} / {baseline.AckLatency.Max:F1} ms, " +
            $"under attack {underAttack.AckLatency.P50:F1} / {underAttack.AckLatency.P99:F1} / {underAttack.AckLatency.Max:F1} ms; agreed bound for p99 {bound:F0} ms: {(underAttack.AckLatency.P99 <= bound ? "kept" : "NOT kept")} (reported, not asserted)");

        Assert.True(underAttack.UntilMet, $"within {TimeSpan.FromMinutes(3)} the flood was answered {hostile.Answered} times of {attack.Sent} sent, {attack.Refused} garbage connections were refused: something hung");
        // Throttled: the server answered no more calls than the budget allows over the time it had.
        Assert.True(sent >= SentWanted, $"the flood sent only {sent} calls");
        Assert.True(answered > ParticipantHub.CallBurst, $"only {answered} of the flood's calls were answered: the budget's rate was never reached");
        Assert.True(answered <= ParticipantHub.CallBurst + ParticipantHub.CallsPerSecond * elapsed.TotalSeconds + 1,
            $"{answered} of the flood's calls were answered in {elapsed.TotalSeconds:F1} s, more than the budget of {ParticipantHub.CallsPerSecond}/s allows");
        Assert.True(refusedConnections > 0);
        // Other participants: every one finished, nothing lost, nothing of anybody else's changed.
        Assert.Empty(underAttack.Errors);
        Assert.True(underAttack.Complete);
        Assert.Equal(0, underAttack.EventsLost);
        foreach (var outcome in underAttack.Sessions)
        {
            var numbers = server.Store.Events(server.SessionId(outcome.Token)).SelectMany(b => b.Events).Select(e => e.N);
            Assert.Equal(Enumerable.Range(1, (int)outcome.Produced).Select(n => (long)n), numbers);
        }
        var after = server.Snapshot(hostileId);
        Assert.All(before, session => Assert.Equal(session.Value, after[session.Key]));
        // The attacker's own session holds each of its events once, replays notwithstanding.
        var own = server.Store.Events(hostileId).SelectMany(b => b.Events).Select(e => e.N).ToList();
        Assert.Equal(Enumerable.Range(1, own.Count).Select(n => (long)n), own);
    }

    // Answered: the burst and three seconds of the budget's rate. Sent: far more than answered. Acknowledged: what the 20 participants stream in four seconds.
    private const int AnsweredWanted = (int)ParticipantHub.CallBurst + 3 * (int)ParticipantHub.CallsPerSecond, SentWanted = 2000, RefusedWanted = 10, AcknowledgedWanted = 20 * 20 * 4;

    /// <summary>What the attack has done so far, read while it runs.</summary>
    private sealed class Attack
    {
        private int _sent, _refused;
        public int Sent => Volatile.Read(ref _sent);
        public int Refused => Volatile.Read(ref _refused);
        public void Call() => Interlocked.Increment(ref _sent);
        public void Refusal() => Interlocked.Increment(ref _refused);
    }

    /// <summary>
    /// The "agreed bound" for ordinary participants' p99 ack latency while an attack runs: ten
    /// times the baseline p99, but never below one second (a participant does not notice an
    /// acknowledgement; it only decides how long events wait in the browser's outbox).
    /// </summary>
    private static double Bound(double baselineP99) => Math.Max(10 * baselineP99, 1000);

    /// <summary>
    /// 10,000 calls a second for as long as the test runs, without waiting for answers:
    /// new one-event batches alternating with replays of the first. Returns the calls sent.
    /// </summary>
    private static async Task<int> Flood(RawHubConnection hostile, string token, Attack attack, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        var sent = 0;
        var replay = $"[{Json(token)}, {HostileServer.Batch(1)}]";
        try
        {
            while (!stop.IsCancellationRequested && hostile.IsOpen && sent < 100_000)
            {
                for (var i = 0; i < 100; i++, sent++)
                {
                    _ = await hostile.StartInvoke("Append", sent % 2 == 0 ? $"[{Json(token)}, {HostileServer.Batch(sent / 2 + 1)}]" : replay, stop);
                    attack.Call();
                }
                var due = TimeSpan.FromSeconds(sent / 10_000.0) - clock.Elapsed;
                if (due > TimeSpan.Zero) await Task.Delay(due, stop);
            }
        }
        catch (OperationCanceledException) { }
        return sent;
    }

    /// <summary>Meanwhile, other connections with made-up tokens and broken messages, one after another.</summary>
    private async Task<int> Churn(Attack attack, CancellationToken stop)
    {
        var refused = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await server.Connect(Guid.NewGuid().ToString("N"));
                await connection.SendFrame("not json at all");
                if ((await Disconnect(connection)).Disconnected)
                {
                    refused++;
                    attack.Refusal();
                }
            }
            catch (WebSocketException)
            {
                refused++;
                attack.Refusal();
            }
        }
        return refused;
    }

    private static async Task<HubReply> Disconnect(RawHubConnection connection)
    {
        await connection.Closed.WaitAsync(TimeSpan.FromSeconds(30));
        return new HubReply(null, null, Disconnected: true);
    }

    private static string Json(string text) => JsonSerializer.Serialize(text);

    private static string Clip(string text) => text.Length > 200 ? text[..200] + "…" : text;
}
