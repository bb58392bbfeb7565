using System.Diagnostics;
using System.Text.Json;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Tests.Support;

namespace SelfRef.Benchmarks;

/// <summary>
/// Erasure on a large database: a store of many small batch documents (what real browsers send),
/// sessions withdrawn and identifiers deleted while other sessions keep writing, with the time
/// each erasure takes and the longest time a concurrent write waited meanwhile. Also the child
/// process of the fault test that kills an erasure at random moments (erasure-child).
/// </summary>
public static class ErasureBenchmark
{
    public const string Usage = """
        usage: SelfRef.Benchmarks erasure [--sessions 500] [--batches 210] [--events 3] [--withdraw 20] [--retain 20] [--db FILE]
               (builds a database of sessions × batches documents, then withdraws and retains sessions while
               20 writers append; prints erasure times and the longest wait of a concurrent write)
               SelfRef.Benchmarks erasure-child --db FILE --erase ID,ID,...   (erases those sessions one by one; for the fault tests)
               SelfRef.Benchmarks erasure-child --db FILE --prepare --sessions N --batches M [--events E]   (only builds the database)
        """;

    public static Experiment Experiment { get; } =
        ExperimentLoader.LoadFile(Path.Combine(Repository.Root, "experiments", "gallup-map.json")).Experiment!;

    public static StoreOptions Options(string database) => new() { Identifying = new IdentifyingData([Experiment]) };

    public static string SessionId(int i) => $"P-{i:D6}";

    /// <summary>Sessions with identifying answers and a stream of small map batches each; appends run concurrently so they group as on a server.</summary>
    public static async Task Prepare(LiteDbStore store, int sessions, int batches, int eventsPerBatch, int firstSession = 0)
    {
        for (var i = firstSession; i < firstSession + sessions; i++)
            await store.InsertSession(new Session
            {
                Id = SessionId(i), Token = $"token-{i}", ExperimentId = Experiment.Id, ConditionId = "main",
                Steps = ["consent", "intro", "map", "about-you", "debrief"], StepIndex = 4, Status = SessionStatus.Completed,
                Answers = new() { ["about-you.hometown"] = $"gn:{1000 + i}|Town {i}", ["about-you.age"] = "30" },
                StartedAt = DateTime.UtcNow, LastSeenAt = DateTime.UtcNow,
            });
        await Parallel.ForEachAsync(Enumerable.Range(firstSession, sessions), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
        {
            for (var b = 0; b < batches; b++) await store.Append(SessionId(i), Batch(1 + (long)b * eventsPerBatch, eventsPerBatch, b));
        });
    }

    public static EventBatch Batch(long seq, int count, int salt) => new(seq, "map", Enumerable.Range(0, count)
        .Select(e => new ClientEvent(salt * 250 + e * 16.7, "map.view",
            JsonSerializer.SerializeToElement(new { lat = 50 + salt % 7 * 0.01, lng = 8 + e * 0.01, zoom = 5 + e % 3, bounds = new[] { 49.9, 7.9, 50.1, 8.1 } })))
        .ToList());

    internal static async Task<int> Run(Arguments args)
    {
        var sessions = args.Int("--sessions", 500);
        var batches = args.Int("--batches", 210);
        var events = args.Int("--events", 3);
        var withdraw = args.Int("--withdraw", 20);
        var retain = args.Int("--retain", 20);
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"selfref-erasure-{Guid.NewGuid():N}")).FullName;
        var database = args.Value("--db") ?? Path.Combine(folder, "erasure.db");
        try
        {
            using var store = new LiteDbStore(database, Options(database));
            var clock = Stopwatch.StartNew();
            await Prepare(store, sessions, batches, events);
            Console.WriteLine($"prepared {sessions} sessions × {batches} batch documents = {sessions * batches:N0} documents in {clock.Elapsed.TotalSeconds:0.0} s ({new FileInfo(database).Length / 1e6:0} MB)");

            // Writers keep appending while sessions are erased; each write's wait is timed.
            using var stop = new CancellationTokenSource();
            var waits = new List<double>();
            var writers = Enumerable.Range(0, 20).Select(w => Task.Run(async () =>
            {
                var id = SessionId(sessions - 1 - w);
                var next = store.DurableSeq(id) + 1;
                var local = new List<double>();
                while (!stop.IsCancellationRequested)
                {
                    var t = Stopwatch.StartNew();
                    next = await store.Append(id, Batch(next, events, (int)next)) + 1;
                    local.Add(t.Elapsed.TotalMilliseconds);
                    await Task.Delay(20);
                }
                lock (waits) waits.AddRange(local);
            })).ToList();

            var withdrawTimes = new List<double>();
            for (var i = 0; i < withdraw; i++)
            {
                var t = Stopwatch.StartNew();
                await store.DeleteSession(SessionId(i));
                withdrawTimes.Add(t.Elapsed.TotalMilliseconds);
            }
            var retainTimes = new List<double>();
            for (var i = withdraw; i < withdraw + retain; i++)
            {
                var t = Stopwatch.StartNew();
                await store.DeleteIdentifiers(SessionId(i));
                retainTimes.Add(t.Elapsed.TotalMilliseconds);
            }
            await Task.Delay(500);
            stop.Cancel();
            await Task.WhenAll(writers);
            waits.Sort();
            Console.WriteLine($"withdrawal of a session of {batches} documents: median {Median(withdrawTimes):0.0} ms, max {withdrawTimes.Max():0.0} ms");
            Console.WriteLine($"retention (identifier key destroyed): median {Median(retainTimes):0.00} ms, max {retainTimes.Max():0.00} ms");
            Console.WriteLine($"concurrent writes meanwhile: {waits.Count}, p50 {waits[waits.Count / 2]:0.0} ms, p99 {waits[(int)(waits.Count * 0.99)]:0.0} ms, max {waits[^1]:0.0} ms");
            return 0;
        }
        finally
        {
            if (args.Value("--db") is null) Directory.Delete(folder, recursive: true);
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>The fault test's child: opens the store, says "ready", erases the sessions one by one (saying each), until killed or done.</summary>
    internal static async Task<int> Child(Arguments args)
    {
        var database = args.Value("--db") ?? throw new ArgumentException("--db FILE is required");
        var ids = (args.Value("--erase") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        using var store = new LiteDbStore(database, Options(database));
        if (args.Flag("--prepare"))
        {
            await Prepare(store, args.Int("--sessions", 30), args.Int("--batches", 40), args.Int("--events", 3));
            return 0;
        }
        Console.WriteLine("ready");
        foreach (var id in ids)
        {
            await store.DeleteSession(id);
            Console.WriteLine("erased " + id);
        }
        return 0;
    }
}
