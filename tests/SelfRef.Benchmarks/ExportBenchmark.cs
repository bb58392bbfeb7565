using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Stats.Export;

namespace SelfRef.Benchmarks;

/// <summary>
/// `export`: fills a temporary LiteDB file through the store (sessions of the shipped gallup-pen
/// experiment, each with a handwritten sheet of pen events), closes it, opens it again as the
/// export verb does, and exports while a sampler notes the managed heap and the working set every
/// 10 ms. Run it at two sizes: if the export streams, the peaks do not grow with the events.
/// </summary>
internal static class ExportBenchmark
{
    public const string Usage = """
        usage: SelfRef.Benchmarks export [--events N] [--per-session E] [--format csv|jsonl|psych-ds] [--keep]
          --events N       events in the database (default 1000000): N / E sessions of E events
          --per-session E  events per session (default 500), sent in batches of 50 like a browser's outbox
          --format F       export format (default csv)
          --phases         afterwards, time the parts on their own: reading events, deriving outcomes, writing events
          --keep           keep the temporary folder (database and export)
        """;

    private const int BatchSize = 50;

    public static async Task<int> Run(Arguments options)
    {
        var events = options.Int("--events", 1_000_000);
        var perSession = options.Int("--per-session", 500);
        var format = ExportFormats.Parse(options.Value("--format") ?? "csv");
        if (events < perSession || perSession < BatchSize || perSession % BatchSize != 0 || format is null)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var experiment = ExperimentLoader.LoadFolder(Path.Combine(SelfRef.Tests.Support.Repository.Root, "experiments")).Single(e => e.Id == "gallup-pen");
        var work = Directory.CreateTempSubdirectory("selfref-export-bench-").FullName;
        var database = Path.Combine(work, "bench.db");
        try
        {
            var sessions = events / perSession;
            var clock = Stopwatch.StartNew();
            using (var store = new LiteDbStore(database)) await Fill(store, experiment, sessions, perSession);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"filled {database}: {sessions:N0} sessions x {perSession} events = {(long)sessions * perSession:N0} events through the store in {clock.Elapsed.TotalSeconds:F1} s, {new FileInfo(database).Length / 1048576.0:F0} MiB"));

            // A fresh process state for the export: what the fill allocated is collected first.
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            var baseHeap = GC.GetTotalMemory(forceFullCollection: true);
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            var baseWorkingSet = process.WorkingSet64;

            long peakHeap = 0, peakWorkingSet = 0, samples = 0;
            using var stop = new CancellationTokenSource();
            var sampler = new Thread(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                    peakWorkingSet = Math.Max(peakWorkingSet, Environment.WorkingSet);
                    samples++;
                    Thread.Sleep(10);
                }
            }) { IsBackground = true, Name = "memory sampler" };
            var gcBefore = GC.CollectionCount(0);
            var cpuBefore = process.TotalProcessorTime;
            sampler.Start();
            clock.Restart();
            IReadOnlyList<ExportedFile> files;
            var outDir = Path.Combine(work, "export");
            using (var store = new LiteDbStore(database))
                files = ExperimentExport.Write(ExportSource.From(experiment, store), new ExportOptions(format.Value, false, DateTime.UtcNow), path =>
                {
                    var full = Path.Combine(outDir, path);
                    Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                    return new FileStream(full, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                });
            var elapsed = clock.Elapsed;
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            stop.Cancel();
            sampler.Join();

            var exported = files.Where(f => f.Path.Contains("events")).Sum(f => f.Rows ?? 0);
            var bytes = files.Sum(f => new FileInfo(Path.Combine(outDir, f.Path)).Length);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"export ({format.Value.Name()}): {exported:N0} event rows, {files.Count} files, {bytes / 1048576.0:F0} MiB in {elapsed.TotalSeconds:F1} s ({exported / elapsed.TotalSeconds:N0} events/s), process CPU {cpu.TotalSeconds:F1} s; load average {LoadAverage()}"));
            foreach (var file in files) Console.WriteLine($"  {file.Path}{(file.Rows is { } rows ? $"  {rows:N0} rows" : "")}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"memory before export: managed heap {baseHeap / 1048576.0:F0} MiB, working set {baseWorkingSet / 1048576.0:F0} MiB"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"peak during export ({samples:N0} samples, every 10 ms): managed heap {peakHeap / 1048576.0:F0} MiB, working set {peakWorkingSet / 1048576.0:F0} MiB; {GC.CollectionCount(0) - gcBefore} gen-0 collections"));
            if (options.Flag("--phases")) Phases(database, experiment);
            return exported == (long)sessions * perSession ? 0 : 1;
        }
        finally
        {
            if (options.Flag("--keep")) Console.WriteLine($"kept {work}");
            else Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Where the export's time goes, each part alone and measured as CPU time of this process.</summary>
    private static void Phases(string database, Experiment experiment)
    {
        using var store = new LiteDbStore(database);
        var source = ExportSource.From(experiment, store);
        using var process = Process.GetCurrentProcess();
        void Time(string phase, Func<long> work)
        {
            process.Refresh();
            var before = process.TotalProcessorTime;
            var count = work();
            process.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {phase,-48} {(process.TotalProcessorTime - before).TotalSeconds,6:F2} s CPU ({count:N0})"));
        }
        Console.WriteLine("phases:");
        Time("read every session's events (store.Events)", () => source.Ordered.Sum(s => (long)store.Events(s.Id).Sum(b => b.Events.Count)));
        Time("outcome rows from the stored outcomes", () => SelfRef.Stats.Outcomes.OutcomeDerivation.Rows(experiment, source.Ordered).LongCount());
        Time("event rows without writing", () => EventTable.Rows(source, false).LongCount());
        Time("event table as CSV to nowhere", () => CsvTableWriter.Write(Stream.Null, EventTable.Of(source, false)));
        Time("event table as JSON lines to nowhere", () => JsonLinesTableWriter.Write(Stream.Null, EventTable.Of(source, false)));
    }

    /// <summary>
    /// Completed sessions in the pen-first order of gallup-pen, each with a sheet of strokes:
    /// step.onset, then per stroke pen.down, pen.points frames (4 points each) and pen.up.
    /// Sessions are filled 100 at a time, their batches queued in order without waiting, as many tabs would send them.
    /// </summary>
    private static async Task Fill(LiteDbStore store, Experiment experiment, int sessions, int perSession)
    {
        var start = new DateTime(2026, 11, 1, 8, 0, 0, DateTimeKind.Utc);
        var steps = experiment.Steps.Select(s => s.Id).ToList();
        for (var first = 0; first < sessions; first += 100)
        {
            var pending = new List<Task>();
            for (var i = first; i < Math.Min(sessions, first + 100); i++)
            {
                var session = new Session
                {
                    Id = $"P-{i:D10}", Token = $"token-{i}", ExperimentId = experiment.Id, ConditionId = "default", Slot = i, Language = i % 3 == 0 ? "de" : "en",
                    Status = SessionStatus.Completed, Steps = steps, StepIndex = steps.Count - 1,
                    StartedAt = start.AddSeconds(i * 7), LastSeenAt = start.AddSeconds(i * 7 + 300), EndedAt = start.AddSeconds(i * 7 + 300),
                    Answers = new() { ["about-you.firstName"] = "Anna", ["about-you.surname"] = "Muster", ["about-you.age"] = (20 + i % 50).ToString(CultureInfo.InvariantCulture), ["about-you.handedness"] = "right" },
                };
                await store.InsertSession(session);
                var sheet = Sheet(i, perSession);
                for (var seq = 0; seq < perSession; seq += BatchSize)
                    pending.Add(store.Append(session.Id, new EventBatch(seq + 1, "pen", sheet.GetRange(seq, BatchSize))));
            }
            await Task.WhenAll(pending);
        }
    }

    private static List<ClientEvent> Sheet(int seed, int count)
    {
        var random = new Random(seed);
        var events = new List<ClientEvent> { Event(0, "step.onset", """{"index":2,"viewport":{"width":1280,"height":800},"coarsePointer":false}""") };
        double t = 800 + random.Next(2000);
        var stroke = 0;
        while (events.Count < count)
        {
            double x = random.NextDouble() * 0.8, y = 0.1 + random.NextDouble() * 0.6;
            events.Add(Event(t, "pen.down", $$"""{"s":{{stroke}},"pt":"mouse","x":{{x:F4}},"y":{{y:F4}},"p":0.5}"""));
            for (var frame = 0; frame < 8 && events.Count < count - 1; frame++)
            {
                var points = string.Join(",", Enumerable.Range(0, 4).Select(k =>
                    string.Create(CultureInfo.InvariantCulture, $"[{x += 0.002:F4},{y + random.NextDouble() * 0.01:F4},{t += 4.2:F1},0.5,0,0]")));
                events.Add(Event(t, "pen.points", $$"""{"s":{{stroke}},"pts":[{{points}}]}"""));
            }
            if (events.Count < count) events.Add(Event(t += 5, "pen.up", $$"""{"s":{{stroke}},"x":{{x:F4}},"y":{{y:F4}}}"""));
            t += 150 + random.Next(400);
            stroke++;
        }
        return events;
    }

    // The machine may be shared: the load says how far wall time is to be trusted; CPU time is the steadier figure.
    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static ClientEvent Event(double t, string type, string data) =>
        new(t, type, JsonDocument.Parse(string.Create(CultureInfo.InvariantCulture, $"{data}")).RootElement.Clone());
}
