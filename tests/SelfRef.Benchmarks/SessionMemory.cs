using System.Text.Json;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using Spectre.Console;

namespace SelfRef.Benchmarks;

/// <summary>
/// `session-memory`: what the server keeps in memory per finished visit. Visits go through the
/// session service and the store as the hub and the endpoints drive them (start, a sign of life
/// with each of a few event batches, every step to the end); after each round the managed heap is
/// measured after full collections. The soak's memory trend mixes this with the page loads, the
/// connections and the GC's own growth; this isolates what stays once a visit has ended.
/// After each round it also measures a retention pass with nothing left to delete, once as the
/// first pass after a start does it (every session read) and once as the running server's later
/// passes do (only the sessions still holding identifiers): what the privacy sweep costs at every
/// tick as a study grows.
/// </summary>
internal static class SessionMemory
{
    public static async Task<int> Run(Arguments options)
    {
        var rounds = options.Int("--rounds", 3);
        var visits = options.Int("--visits", 2000);
        var root = SelfRef.Tests.Support.Repository.Root;
        // A study as large as the runs: the shipped one fills up at 500.
        var experiment = ExperimentLoader.LoadFile(Path.Combine(root, "experiments", "gallup-replication.json")).Experiment! with { TargetSampleSize = 1_000_000,
            Privacy = new PrivacySettings { DeleteIdentifiers = IdentifierRetention.AfterOutcome } };
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"selfref-session-memory-{Guid.NewGuid():N}")).FullName;
        try
        {
            using var store = new LiteDbStore(Path.Combine(folder, "memory.db"));
            var sessions = new SessionService(store, [experiment], TimeProvider.System);
            var table = new Table().AddColumns("round", "finished visits", "managed heap after", "retained per finished visit", "sessions held in memory",
                "retention pass, nothing to delete: every session read", "later passes");
            var retention = new RetentionPass(sessions, store, TimeProvider.System);
            await Visits(sessions, store, experiment, 200, 0);
            await retention.Run();
            var before = Heap();
            var done = 200;
            for (var round = 1; round <= rounds; round++)
            {
                await Visits(sessions, store, experiment, visits, done);
                done += visits;
                var after = Heap();
                // The round's identifiers go first; then both kinds of pass find nothing left to delete.
                await retention.Run();
                var everySession = await Cost(() => new RetentionPass(sessions, store, TimeProvider.System).Run());
                var later = await Cost(() => retention.Run());
                table.AddRow(round.ToString(), $"{done:N0}", $"{after / 1048576.0:F1} MiB", $"{(after - before) / (double)visits:N0} B", InMemory(sessions), everySession, later);
                before = Heap();
            }
            AnsiConsole.Write(table);
            return 0;
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    /// <summary>CPU time and managed bytes allocated by one pass (allocation does not depend on how busy the machine is).</summary>
    private static async Task<string> Cost(Func<Task<int>> pass)
    {
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var deleted = await pass();
        var took = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return $"{took.TotalMilliseconds:N0} ms CPU, {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0:N1} MiB allocated" + (deleted > 0 ? $" ({deleted} deleted!)" : "");
    }

    // Read by name, so the same file measures a build from before the property existed.
    private static string InMemory(SessionService sessions) =>
        typeof(SessionService).GetProperty("InMemory")?.GetValue(sessions)?.ToString() ?? "(not reported by this build)";

    private static long Heap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static readonly Dictionary<string, string> NoRecruitment = [];
    private static readonly Dictionary<string, string?> AboutYou = new() { ["firstName"] = "Anna", ["surname"] = "Müller", ["hometown"] = "Köln", ["age"] = "31" };

    private static async Task Visits(SessionService sessions, IStore store, Experiment experiment, int count, int offset)
    {
        await Parallel.ForEachAsync(Enumerable.Range(offset, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
        {
            var session = await sessions.Start(experiment.Id, "de", NoRecruitment, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36");
            long next = 1;
            while (session.Status == SessionStatus.Active && session.StepIndex < session.Steps.Count - 1)
            {
                var step = session.CurrentStep;
                var batch = new EventBatch(next, step, Enumerable.Range(0, 3)
                    .Select(e => new ClientEvent(e * 16.7, "step.onset", JsonSerializer.SerializeToElement(new { wall = 1796144067426L + i }))).ToList());
                next = await store.Append(session.Id, batch) + 1;
                session = await sessions.Touch(sessions.Find(session.Token)!, "step.onset");
                session = await sessions.Advance(session, step, step == "about-you" ? AboutYou : null);
            }
        });
    }
}
