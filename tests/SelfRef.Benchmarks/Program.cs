using System.Globalization;
using SelfRef.Benchmarks;
using SelfRef.Simulation.Load;
using Spectre.Console;

// dotnet run -c Release --project tests/SelfRef.Benchmarks -- ingest [--clients 2000] [--rate 20] [--interval 250]
//     [--seconds 30] [--saturate [--batch 5]] [--drain 60] [--raw-docs N] [--no-raw] [--no-build] [--keep]
//     [--store litedb|postgres [--instances 1|2] [--no-fsync]]
// dotnet run -c Release --project tests/SelfRef.Benchmarks -- load [--clients 2000] [--seconds 60] [ingest options]   (+ docs/load.csv, docs/load.png)
// dotnet run -c Release --project tests/SelfRef.Benchmarks -- soak [--clients 1000] [--minutes 10] [ingest options]  (+ docs/soak.csv, docs/soak.png)
// dotnet run -c Release --project tests/SelfRef.Benchmarks -- load|soak --browser [--clients N] [--seconds S | --minutes M] [browser options]   (+ docs/load-browser.csv or docs/soak-browser.csv, .png, -erasures.csv)
// dotnet run -c Release --project tests/SelfRef.Benchmarks -- outcomes --participants 100000 --seed 1 --out /tmp/outcomes-100k.csv
// dotnet run -c Release --project tests/SelfRef.Benchmarks -- report-phases --outcomes /tmp/outcomes-100k.csv
// dotnet run -c Release --project tests/SelfRef.Benchmarks -- analyze-vs-pandas [--participants 500000] [--conditions 2] [--runs 3]
// dotnet run -c Release --project tests/SelfRef.Benchmarks -- gazetteer [BenchmarkDotNet options]
// dotnet run -c Release --project tests/SelfRef.Benchmarks -- erasure [--sessions 500] [--batches 210] [--withdraw 20] [--retain 20]
// dotnet run -c Release --project tests/SelfRef.Benchmarks -- fisher [BenchmarkDotNet options]
// dotnet run -c Release --project tests/SelfRef.Benchmarks -- fisher-frontier [--p 0.05]
// dotnet run -c Release --project tests/SelfRef.Benchmarks -- export --events 1000000 [--per-session 500] [--format csv]
// dotnet run -c Release --project tests/SelfRef.Benchmarks -- lighthouse [--runs 3] [--experiment gallup-map] [--configuration Release] [--root FOLDER]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length > 0 && args[0] == "outcomes")
{
    if (!args.Contains("--help")) return SyntheticOutcomeCsv.Run(new Arguments(args[1..]));
    Console.WriteLine(SyntheticOutcomeCsv.Usage);
    return 0;
}
if (args.Length > 0 && args[0] == "analyze-vs-pandas")
{
    if (!args.Contains("--help")) return await AnalyzeVsPandas.Run(new Arguments(args[1..]));
    Console.WriteLine(AnalyzeVsPandas.Usage);
    return 0;
}
if (args.Length > 0 && args[0] == "report-phases")
{
    if (!args.Contains("--help")) return ReportPhases.Run(new Arguments(args[1..]));
    Console.WriteLine(ReportPhases.Usage);
    return 0;
}

if (args.Length > 0 && args[0] == "export")
{
    if (!args.Contains("--help")) return await ExportBenchmark.Run(new Arguments(args[1..]));
    Console.WriteLine(ExportBenchmark.Usage);
    return 0;
}

if (args.Length > 0 && args[0] == "lighthouse")
{
    if (!args.Contains("--help")) return await LighthouseBenchmark.Run(new Arguments(args[1..]), SelfRef.Tests.Support.Repository.Root);
    Console.WriteLine(LighthouseBenchmark.Usage);
    return 0;
}

if (args.Length > 0 && args[0] == "erasure")
{
    if (!args.Contains("--help")) return await ErasureBenchmark.Run(new Arguments(args[1..]));
    Console.WriteLine(ErasureBenchmark.Usage);
    return 0;
}
if (args.Length > 0 && args[0] == "erasure-child") return await ErasureBenchmark.Child(new Arguments(args[1..]));
if (args.Length > 0 && args[0] == "fisher")
{
    FisherBenchmarks.Run(args[1..]);
    return 0;
}

if (args.Length > 0 && args[0] == "heap")
{
    if (args.Contains("--help")) { Console.WriteLine(HeapDump.Usage); return 0; }
    return HeapDump.Run(new Arguments(args[1..]));
}
if (args.Length > 0 && args[0] == "session-memory") return await SessionMemory.Run(new Arguments(args[1..]));
if (args.Length > 0 && args[0] == "fisher-frontier") return FisherBenchmarks.Frontier(new Arguments(args[1..]));

if (args.Length > 0 && args[0] == "gazetteer")
{
    GazetteerBenchmarks.Run(args[1..]);
    return 0;
}

if (args.Length == 0 || args[0] is not ("ingest" or "load" or "soak") || args.Contains("--help"))
{
    Console.WriteLine("""
        usage: SelfRef.Benchmarks outcomes --out FILE.csv [options]   (synthetic outcome table; outcomes --help)
               SelfRef.Benchmarks report-phases --outcomes FILE.csv   (time each phase of the replication report)
               SelfRef.Benchmarks analyze-vs-pandas [options]          (analyze --outcomes vs pandas + SciPy on 1,000,000 rows, 3 runs each; analyze-vs-pandas --help)
               SelfRef.Benchmarks gazetteer [BenchmarkDotNet options]   (start-up time and memory of the gazetteer)
               SelfRef.Benchmarks fisher [BenchmarkDotNet options]      (Fisher's exact test on 2×K and r×c tables)
               SelfRef.Benchmarks fisher-frontier [--p 0.05]            (exact or Monte Carlo, steps and time for 2×K, K = 2..10, n = 1,000..100,000)
               SelfRef.Benchmarks session-memory [--visits 2000] [--rounds 3]   (managed memory the server keeps per finished visit)
               SelfRef.Benchmarks export [--events N] [--format F]      (export from a database of N events; export --help)
               SelfRef.Benchmarks lighthouse [--runs 3]                 (Lighthouse's mobile performance score of the participant's map page; lighthouse --help)
               SelfRef.Benchmarks heap DUMP [LATER-DUMP] [options]      (live objects by type in server heap dumps, and what grew; heap --help)
               SelfRef.Benchmarks erasure [options]                     (withdrawal and retention on 100,000 batch documents; erasure --help)
               SelfRef.Benchmarks ingest [options]
               SelfRef.Benchmarks load [options]    (ingest without the raw comparison, 60 s, a per-second timeline: docs/load.csv, docs/load.png)
               SelfRef.Benchmarks soak [options]    (1,000 clients for --minutes 10; timeline docs/soak.csv, plot docs/soak.png, memory trend)
          --clients N      simulated participants, one SignalR connection each (default 2000; soak 1000)
          --rate R         events per second per client (default 20)
          --interval MS    a client sends what it has every MS milliseconds (default 250)
          --saturate       clients send a new batch as soon as the last is acknowledged (no rate)
          --batch B        events per batch with --saturate (default 5)
          --seconds S      length of the load window, at most 120 (default 30; load 60)
          --minutes M      soak only: length of the load window, at most 30 (default 10)
          --timeline F     write the per-second timeline (CSV) to F and a plot of memory and ack latency beside it (F with .png)
          --drain S        time allowed afterwards for the last acknowledgements (default 60)
          --raw-docs N     documents for the raw LiteDB InsertBulk comparison (default: as many as the server stored, 20000..400000)
          --no-raw         skip the raw LiteDB comparison
          --no-prime       no first one-event batch per client during setup: new sessions' first writes fall into the window
          --no-build       use the existing Release build of SelfRef.Web
          --keep           keep the temporary folder (database, server log)
          --store S        litedb (default: a temporary LiteDB file) or postgres (a PostgreSQL cluster of the run's own,
                           initdb in a temporary folder; no raw comparison)
          --instances N    1 (default) or 2 with --store postgres: two servers on the one database and a redis-server of
                           the run's own as backplane, the clients half and half; figures over all clients and per instance
          --no-fsync       postgres only: the cluster does not flush commits to disk (as LiteDB does not); default: it does
          --browser        load and soak only: browser-shaped participants instead of fixed-rate clients (below)
        """ + "\n" + BrowserBenchmark.Usage);
    return args.Contains("--help") ? 0 : 2;
}

var verb = args[0];
var options = new Arguments(args[1..]);
var clients = options.Int("--clients", verb == "soak" ? 1000 : 2000);
var rate = options.Double("--rate", 20);
var interval = options.Int("--interval", 250);
var saturate = options.Flag("--saturate");
var batch = options.Int("--batch", 5);
var seconds = verb == "soak" ? options.Double("--minutes", 10) * 60 : options.Double("--seconds", verb == "load" ? 60 : 30);
var drain = options.Double("--drain", 60);
var rawDocs = options.Int("--raw-docs", 0);
var noRaw = options.Flag("--no-raw") || verb != "ingest";
var noBuild = options.Flag("--no-build");
var prime = !options.Flag("--no-prime");
var keep = options.Flag("--keep");
var instances = options.Int("--instances", 1);
if (Deployment.ParseStore(options.Value("--store")) is not { } store) { Console.Error.WriteLine($"--store must be litedb or postgres, not '{options.Value("--store")}'"); return 2; }
if (Deployment.Refusal(store, instances) is { } refusal) { Console.Error.WriteLine(refusal); return 2; }
var fsync = !options.Flag("--no-fsync");
if (!fsync && store != BenchmarkStore.Postgres) { Console.Error.WriteLine("--no-fsync is a setting of the PostgreSQL cluster (--store postgres); LiteDB never flushes on commit"); return 2; }
if (store == BenchmarkStore.Postgres && options.Flag("--raw-docs")) { Console.Error.WriteLine("--raw-docs: the raw comparison is LiteDB's InsertBulk, which does not apply to --store postgres"); return 2; }
if (verb == "soak" && (seconds <= 0 || seconds > LoadOptions.MaxDuration.TotalSeconds)) { Console.Error.WriteLine($"--minutes must be above 0 and at most {LoadOptions.MaxDuration.TotalMinutes}"); return 2; }
if (verb != "soak" && seconds is <= 0 or > 120) { Console.Error.WriteLine("--seconds must be above 0 and at most 120"); return 2; }

var root = SelfRef.Tests.Support.Repository.Root;
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160;
if (options.Flag("--browser"))
{
    if (store != BenchmarkStore.LiteDb) { Console.Error.WriteLine("--browser runs against LiteDB only; --store postgres is a mode of fixed-rate clients"); return 2; }
    if (verb == "ingest") { Console.Error.WriteLine("--browser is a mode of load and soak; ingest compares fixed-rate clients with raw LiteDB"); return 2; }
    if (saturate) { Console.Error.WriteLine("--browser and --saturate do not go together: browsers send what their participants do"); return 2; }
    return await BrowserBenchmark.Run(verb, options, root, clients, seconds, drain, options.Value("--timeline"), noBuild, keep);
}
var timeline = options.Value("--timeline") ?? (verb == "ingest" ? null : Path.Combine(root, "docs", verb + ".csv"));
var (softFiles, hardFiles) = ProcStatus.OpenFileLimits();
// The load generator holds one socket per client, the server as many again; .NET raises its soft
// limit to the hard limit at start, so the hard limit is what counts.
var filesNeeded = clients + 500L;
AnsiConsole.MarkupLine($"[grey]machine:[/] {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, .NET {Environment.Version}; open files soft {softFiles}, hard {hardFiles}");
if (hardFiles < filesNeeded)
{
    Console.Error.WriteLine($"{clients} clients need about {filesNeeded} open files per process, the limit is {hardFiles}: raise it (ulimit -n {Math.Max(filesNeeded, 65536)}) and run again");
    return 2;
}

// The raw comparison is LiteDB's own InsertBulk: it says nothing about a PostgreSQL store.
if (store == BenchmarkStore.Postgres && !noRaw)
{
    AnsiConsole.MarkupLine("[grey]--store postgres: no raw LiteDB comparison (it measures LiteDB's InsertBulk, not PostgreSQL)[/]");
    noRaw = true;
}

// The first Ctrl-C (or SIGTERM) ends the run in order: the load stops, the servers, the cluster and
// redis-server are stopped and the folders deleted. A second one kills all of it at once and ends
// the process: the PostgreSQL cluster runs in a session of its own and would outlive it otherwise.
using var stop = new CancellationTokenSource();
Deployment? started = null;
void OnSignal(System.Runtime.InteropServices.PosixSignalContext context)
{
    if (!stop.IsCancellationRequested)
    {
        context.Cancel = true;
        AnsiConsole.MarkupLine("[yellow]stopping: the load ends, then everything the run started (again to kill it all at once)[/]");
        stop.Cancel();
        return;
    }
    Volatile.Read(ref started)?.Abandon();
}
using var onInterrupt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, OnSignal);
using var onTerminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, OnSignal);

var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"selfref-bench-{Guid.NewGuid():N}")).FullName;
try
{
    if (!noBuild)
    {
        AnsiConsole.MarkupLine("[grey]building SelfRef.Web (Release)…[/]");
        await ServerProcess.Build(root);
    }
    LoadResult result;
    WatchTotals totals;
    List<Sample> samples;
    (long Documents, long Events) stored;
    string serverPids;
    await using (var deployment = await Deployment.Start(root, work, store, instances, fsync, d => Volatile.Write(ref started, d),
        message => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]"), stop.Token))
    {
        var servers = deployment.Servers;
        serverPids = string.Join(", ", servers.Select(s => s.Pid));
        foreach (var server in servers) AnsiConsole.MarkupLine($"[grey]server pid {server.Pid} at {server.BaseUrl}[/]");
        AnsiConsole.MarkupLine($"[grey]store: {Markup.Escape(deployment.Describe())}[/]");
        var watch = new ServerWatch(servers);

        var load = new LoadOptions
        {
            BaseUrl = servers[0].BaseUrl,
            OtherInstances = [.. servers.Skip(1).Select(s => s.BaseUrl)],
            Clients = clients,
            Mode = saturate ? LoadMode.Saturation : LoadMode.Rate,
            EventsPerSecond = rate,
            BatchInterval = TimeSpan.FromMilliseconds(interval),
            SaturationBatchSize = batch,
            Duration = TimeSpan.FromSeconds(seconds),
            DrainTimeout = TimeSpan.FromSeconds(drain),
            SetupConcurrency = 64,
            PrimeSessions = prime,
            Progress = p =>
            {
                var sample = watch.Take(p);
                AnsiConsole.MarkupLine(FormattableString.Invariant(
                    $"[grey]{p.Elapsed.TotalSeconds,6:F1}s[/] {p.Phase,-6} sessions {p.Sessions,5} connected {p.Connected,5} produced {p.Produced,9} acked {p.Acknowledged,9} retries {p.Retries,4}  server cpu {sample.ServerCpu.TotalSeconds,6:F1}s rss {sample.ServerRss / 1048576.0,6:F0} MiB"));
            },
        };
        AnsiConsole.MarkupLine(saturate
            ? $"[bold]saturation[/]: {clients} clients, {batch} events per batch, {seconds} s"
            : $"[bold]rate[/]: {clients} clients × {rate} events/s, a batch every {interval} ms, {seconds} s (offered {clients * rate:N0} events/s)");
        if (instances > 1) AnsiConsole.MarkupLine($"[bold]{instances} instances[/], the clients half and half; figures over all clients, then per instance");
        result = await LoadGenerator.RunAsync(load, stop.Token);
        totals = await watch.Stop();
        samples = watch.Samples;
        // A server that ended by itself makes the figures meaningless: say so with its last words, as its folder goes with the run.
        foreach (var dead in servers.Where(s => s.HasExited))
        {
            AnsiConsole.MarkupLine($"[red]server pid {dead.Pid} ended during the run; the last lines of its log:[/]");
            foreach (var line in File.ReadLines(dead.LogPath).TakeLast(20)) AnsiConsole.WriteLine("  " + line);
        }
        await deployment.StopServers();
        stored = deployment.CountStored();
    }

    RawInsert.Result? raw = null;
    var perDocument = saturate ? batch : Math.Max(1, (int)Math.Round(result.EventsPerBatch));
    if (!noRaw)
    {
        var documents = rawDocs > 0 ? rawDocs : (int)Math.Clamp(stored.Documents, 20_000, 400_000);
        AnsiConsole.MarkupLine($"[grey]raw LiteDB: InsertBulk of {documents:N0} documents of {perDocument} events, {RawInsert.WriterGroup} per transaction…[/]");
        raw = RawInsert.Run(work, Math.Max(1, result.SessionsStarted), documents, perDocument);
    }

    Report(result, totals, samples, stored, raw, store, fsync, serverPids);
    if (timeline is not null)
    {
        var rows = LoadTimeline.Rows(samples);
        LoadTimeline.WriteCsv(rows, timeline);
        var plot = Path.ChangeExtension(timeline, ".png");
        LoadTimeline.WritePlot(rows, $"{verb}: {clients:N0} clients × {rate} events/s, batch every {interval} ms", plot);
        AnsiConsole.MarkupLine($"timeline: {Markup.Escape(timeline)} ({rows.Count} seconds), plot: {Markup.Escape(plot)}");
        if (LoadTimeline.Memory(rows) is { } trend) AnsiConsole.MarkupLine(Markup.Escape(LoadTimeline.Describe(trend)));
    }
    return result.Complete && stored.Events == result.EventsProduced ? 0 : 1;
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine("stopped before the end: no figures; everything the run started is stopped and its folders deleted");
    return 130;
}
finally
{
    if (keep) AnsiConsole.MarkupLine($"[grey]kept {work}[/]");
    else Directory.Delete(work, recursive: true);
}

static void Report(LoadResult r, WatchTotals totals, List<Sample> samples, (long Documents, long Events) stored, RawInsert.Result? raw, BenchmarkStore store, bool fsync, string serverPids)
{
    var o = r.Options;
    var table = new Table().AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
    void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
    Row("store / instances", (store == BenchmarkStore.LiteDb ? "LiteDB" : $"PostgreSQL (fsync {(fsync ? "on" : "off")})") +
        $" / {o.Instances.Count}{(o.Instances.Count > 1 ? " (Redis backplane; server CPU and memory: all instances summed)" : "")}");
    Row("mode", o.Mode == LoadMode.Rate ? $"rate {o.EventsPerSecond}/s per client, batch every {o.BatchInterval.TotalMilliseconds} ms" : $"saturation, {o.SaturationBatchSize} events per batch");
    Row("clients connected / sessions started", $"{r.ClientsConnected} / {r.SessionsStarted} of {o.Clients}");
    Row("setup (sessions + connections)", $"{r.SetupTime.TotalSeconds:F1} s");
    if (o.PrimeSessions)
        Row("first batch per session (in setup) p50 / p99 / max", $"{r.FirstBatchLatency.P50:F1} / {r.FirstBatchLatency.P99:F1} / {r.FirstBatchLatency.Max:F1} ms");
    Row("load window / drain", $"{r.LoadTime.TotalSeconds:F1} s / {r.DrainTime.TotalSeconds:F1} s");
    if (o.Mode == LoadMode.Rate) Row("offered events/s", $"{o.Clients * o.EventsPerSecond:N0}");
    Row("acknowledged events/s (window)", $"{r.EventsPerSecond:N0}");
    Row("acknowledged batches/s (window, approx.)", $"{r.EventsPerSecond / Math.Max(1, r.EventsPerBatch):N0}");
    Row("events per batch (mean)", $"{r.EventsPerBatch:F2}");
    Row("ack latency in window p50 / p90 / p99 / max", $"{r.AckLatency.P50:F1} / {r.AckLatency.P90:F1} / {r.AckLatency.P99:F1} / {r.AckLatency.Max:F1} ms");
    Row("events produced / sent / acknowledged", $"{r.EventsProduced:N0} / {r.EventsSent:N0} / {r.EventsAcknowledged:N0}");
    Row("events durable (Durable(token) summed)", $"{r.EventsDurable:N0}");
    Row("events in the database after shutdown", $"{stored.Events:N0} in {stored.Documents:N0} documents");
    Row("EVENTS LOST (produced − durable)", $"{r.EventsLost:N0}{(r.SessionsUnverified > 0 ? $" ({r.SessionsUnverified} sessions unverified)" : "")}");
    Row("retries / timeouts / disconnects / reconnects", $"{r.Retries} / {r.Timeouts} / {r.Disconnects} / {r.Reconnects}");
    if (r.PerInstance.Count > 1)
        foreach (var (instance, k) in r.PerInstance.Select((x, k) => (x, k + 1)))
            Row($"instance {k}: sessions / events acknowledged / ack p50 / p90 / p99", $"{instance.Sessions} / {instance.EventsAcknowledged:N0} / {instance.AckLatency.P50:F1} / {instance.AckLatency.P90:F1} / {instance.AckLatency.P99:F1} ms");
    totals.Rows(Row, samples);
    if (raw is not null)
    {
        Row("raw LiteDB InsertBulk", $"{raw.DocumentsPerSecond:N0} docs/s = {raw.EventsPerSecond:N0} events/s ({raw.Documents:N0} docs × {raw.EventsPerDocument}, {raw.TransactionSize}/transaction, {raw.Elapsed.TotalSeconds:F2} s)");
        Row("pipeline / raw (events/s)", $"{r.EventsPerSecond / raw.EventsPerSecond * 100:F1} %");
    }
    AnsiConsole.Write(table);
    foreach (var (message, count) in r.Errors.OrderByDescending(e => e.Value))
        AnsiConsole.MarkupLine($"[yellow]{count}×[/] {Markup.Escape(message)}");
    var lostOk = r.EventsLost == 0 && r.Complete && stored.Events == r.EventsProduced;
    AnsiConsole.MarkupLine(lostOk ? "[green]no event lost[/]" : "[red]EVENTS LOST or sessions unverified[/]");
    if (o.Mode == LoadMode.Rate)
        AnsiConsole.MarkupLine($"target p99 ack < 100 ms: {(r.AckLatency.P99 < 100 ? "[green]met[/]" : "[red]not met[/]")} ({r.AckLatency.P99:F1} ms); server pid was {serverPids}");
}


internal sealed record Sample(LoadProgress Progress, TimeSpan ServerCpu, TimeSpan OwnCpu, long ServerRss, TimeSpan MachineBusy, double LoadAverage);

internal sealed class Arguments(string[] args)
{
    public bool Flag(string name) => args.Contains(name);

    /// <summary>The arguments before the first option (files the verb reads).</summary>
    public IReadOnlyList<string> Positional => args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();

    public string? Value(string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public int Int(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
    public double Double(string name, double fallback) => Value(name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
