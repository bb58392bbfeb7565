using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using SelfRef.Benchmarks;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage.Postgres;
using SelfRef.Fault.Tests.Support;
using SelfRef.Simulation.Load;
using SelfRef.Tests.Support;
using Xunit.Abstractions;

namespace SelfRef.Fault.Tests;

/// <summary>
/// Issue 17, item 2: the scale-out layout on loopback. A PostgreSQL cluster and a redis-server of
/// the test's own, two server processes on them, each behind a front door that sends its clients to
/// it while it lives and to the other when it is dead (a load balancer's failover). 200 synthetic
/// participants, half at each door; a researcher dashboard connected to instance A. Instance A is
/// killed (SIGKILL) mid-run. Waits run until counts are reached; the limits only catch hangs.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class TwoInstanceTests(ITestOutputHelper output)
{
    private const string Experiment = "gallup-replication";
    private const int PerInstance = 100;
    private const int AcknowledgedWanted = 10;
    private const string Password = "two-instance-test-password";

    [Fact]
    public async Task Instance_A_killed_while_200_participants_stream_to_A_and_B_its_participants_go_on_at_B_nothing_acknowledged_is_lost_and_assignment_stays_balanced()
    {
        var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"selfref-two-{Guid.NewGuid():N}")).FullName;
        var cluster = PostgresCluster.Shared;
        var database = cluster.CreateDatabase();
        ServerProcess? a = null, b = null;
        try
        {
            await using var redis = await RedisServer.Start();
            var settings = new ServerSettings
            {
                Environment = new Dictionary<string, string>
                {
                    ["SelfRef__Store"] = "postgres",
                    ["SelfRef__ConnectionString"] = database,
                    ["SelfRef__Redis"] = redis.Address,
                    ["SelfRef__ResearcherPassword"] = Password,
                },
            };
            a = await ServerProcess.Start(Repository.Root, Directory.CreateDirectory(Path.Combine(work, "a")).FullName, configuration: BuildConfiguration.Name, settings: settings);
            b = await ServerProcess.Start(Repository.Root, Directory.CreateDirectory(Path.Combine(work, "b")).FullName, configuration: BuildConfiguration.Name, settings: settings);
            await using var doorA = new FailoverProxy(a.BaseUrl, b.BaseUrl);
            await using var doorB = new FailoverProxy(b.BaseUrl, a.BaseUrl);

            // The researcher's dashboard, connected to instance A itself.
            var cookie = await Login(a.BaseUrl);
            var startedSeen = 0;
            await using var dashboard = new HubConnectionBuilder()
                .WithUrl(new Uri(a.BaseUrl, "/hubs/researcher"), o => o.Headers["Cookie"] = cookie)
                .Build();
            dashboard.On<JsonElement>("progress", snapshot =>
            {
                if (snapshot.GetProperty("experiment").GetString() != Experiment) return;
                var started = snapshot.GetProperty("counts").GetProperty("started").GetInt32();
                InterlockedMax(ref startedSeen, started);
            });
            await dashboard.StartAsync();
            await dashboard.InvokeAsync<JsonElement>("Watch", Experiment);

            IReadOnlyDictionary<string, long>? acknowledgedAtKill = null;
            LoadGenerator atA = null!, atB = null!;
            LoadOptions Options(Uri door, int seed, Func<LoadGenerator> self) => new()
            {
                BaseUrl = door,
                ExperimentId = Experiment,
                Clients = PerInstance,
                EventsPerSecond = 10,
                BatchInterval = TimeSpan.FromMilliseconds(250),
                Duration = TimeSpan.FromMinutes(4),
                Until = _ => Volatile.Read(ref acknowledgedAtKill) is { } killed && AllBeyond(self().AcknowledgedNow(), killed, AcknowledgedWanted),
                SetupConcurrency = 16,
                Seed = seed,
                // Instance A is away for good: its clients keep trying, as a browser's outbox does, and reach B.
                MaxAttempts = 100,
                RetryDelay = TimeSpan.FromMilliseconds(300),
                AckTimeout = TimeSpan.FromSeconds(15),
                DrainTimeout = TimeSpan.FromSeconds(120),
            };
            atA = new LoadGenerator(Options(doorA.Url, 1, () => atA));
            atB = new LoadGenerator(Options(doorB.Url, 2, () => atB));
            var runA = atA.RunAsync();
            var runB = atB.RunAsync();

            // Every participant has events acknowledged, so each of A's has something at stake.
            await LoadRuns.Until(() => Acknowledged(atA, atB) is { Count: 2 * PerInstance } acked && acked.Values.All(n => n >= AcknowledgedWanted), runA, runB);
            // A dashboard on A hears of all 200, B's among them, while they stream.
            await LoadRuns.Until(() => Volatile.Read(ref startedSeen) >= 2 * PerInstance, runA, runB);

            await a.Kill();
            Volatile.Write(ref acknowledgedAtKill, Acknowledged(atA, atB));
            var killedAt = acknowledgedAtKill!;
            var results = await Task.WhenAll(runA, runB);

            foreach (var (result, name) in results.Zip(["A", "B"]))
            {
                output.WriteLine($"door {name}: produced {result.EventsProduced}, acknowledged {result.EventsAcknowledged}; disconnects {result.Disconnects}, " +
                    $"reconnects {result.Reconnects}, retries {result.Retries}");
                foreach (var (message, count) in result.Errors) output.WriteLine($"  {count}× {message}");
                Assert.True(result.UntilMet, $"not every participant at door {name} had {AcknowledgedWanted} more events acknowledged after instance A was killed: something hung");
                Assert.Equal(PerInstance, result.ClientsConnected);
                Assert.DoesNotContain(result.Errors.Keys, e => e.Contains("acknowledged events were lost") || e.Contains("refused by the server") || e.Contains("gave up"));
                Assert.Equal(0, result.EventsLost);
                Assert.True(result.Complete, $"not every session of door {name} could be verified after the kill");
            }
            output.WriteLine($"connections door A sent on to B after the kill: {doorA.FailedOver}");
            Assert.True(doorA.FailedOver >= PerInstance, $"only {doorA.FailedOver} connections of A's participants reached B");
            Assert.True(results[0].Reconnects >= PerInstance, $"only {results[0].Reconnects} reconnects at door A: the kill did not reach every participant of A");

            await b.DisposeAsync();
            b = null;
            using var store = new PostgresStore(database);
            long stored = 0, acknowledged = 0;
            foreach (var outcome in results.SelectMany(r => r.Sessions))
            {
                var session = store.FindSessionByToken(outcome.Token);
                Assert.NotNull(session);
                var numbers = store.Events(session.Id).SelectMany(batch => batch.Events).Select(e => e.N).ToList();
                Assert.True(outcome.Produced > killedAt[outcome.Token], "a participant produced nothing after the kill");
                // Every event acknowledged before the kill and every one produced after: 1..produced, each once.
                Assert.Equal(LoadRuns.LongRange(1, outcome.Produced), numbers);
                stored += numbers.Count;
                acknowledged += outcome.Acknowledged;
            }
            Assert.Equal(results.Sum(r => r.EventsProduced), stored);
            Assert.True(stored >= acknowledged, $"{acknowledged} events were acknowledged but only {stored} are stored");

            // Balance rule (docs/deploy.md): distinct slots 0..199 across both instances, so every block complete and 100 per condition.
            var sessions = store.SessionsOf(Experiment).Where(s => s.TakesSlot).ToList();
            Assert.Equal(2 * PerInstance, sessions.Count);
            Assert.Equal(Enumerable.Range(0, 2 * PerInstance), sessions.Select(s => s.Slot).Order());
            Assert.All(sessions.GroupBy(s => s.ConditionId), condition => Assert.Equal(PerInstance, condition.Count()));
            Assert.All(sessions, s => Assert.Equal(SessionStatus.Active, s.Status));
        }
        finally
        {
            if (a is not null) await a.DisposeAsync();
            if (b is not null) await b.DisposeAsync();
            cluster.DropDatabase(database);
            Directory.Delete(work, recursive: true);
        }
    }

    private static IReadOnlyDictionary<string, long> Acknowledged(params LoadGenerator[] generators) =>
        generators.SelectMany(g => g.AcknowledgedNow()).ToDictionary(p => p.Key, p => p.Value);

    private static bool AllBeyond(IReadOnlyDictionary<string, long> now, IReadOnlyDictionary<string, long> before, long more) =>
        now.All(n => before.TryGetValue(n.Key, out var b) && n.Value >= b + more);

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }


    private static async Task<string> Login(Uri server)
    {
        var (status, cookie) = await ResearcherLogin.Post(server, server, Password);
        if (status != HttpStatusCode.Redirect || cookie is null) throw new InvalidOperationException($"the login on {server} answered {(int)status}");
        return cookie;
    }
}
