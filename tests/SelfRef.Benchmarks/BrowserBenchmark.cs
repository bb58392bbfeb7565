using System.Diagnostics;
using System.Globalization;
using SelfRef.Core.Gazetteer;
using SelfRef.Simulation.Load;
using Spectre.Console;

namespace SelfRef.Benchmarks;

/// <summary>
/// `load --browser` and `soak --browser`: the real server as a child process, browser-shaped
/// participants (<see cref="BrowserLoadGenerator"/>) walking an experiment whose identifiers are
/// deleted right after the outcome, with the privacy sweeper running every few seconds and a
/// withdrawal every few seconds. Per second: produced, acknowledged, ack latency, the longest
/// batch in flight, server memory and CPU, erasures. Afterwards: the server is stopped with
/// SIGTERM, its database is read back through its own export verb (every acknowledged event of
/// every kept session there once, nothing of withdrawn or declined ones), and a restarted
/// server is asked the same through the hub and the participant API.
/// </summary>
internal static class BrowserBenchmark
{
    public const string Usage = """
          browser-shaped (load --browser, soak --browser):
          --experiment ID      the experiment participants take (default gallup-replication; its identifiers are deleted after the outcome)
          --pauses F           a participant's pauses over 1 s last 1 s + (pause − 1 s) × F (default 1, real time; 0.2 for short runs)
          --second-tab F       share of participants who open a second tab during their first task (default 0.1)
          --reload F           chance per step that a participant reloads the page during it (default 0.05)
          --withdraw-every S   a participant under way withdraws every S seconds (default 5; 0: nobody)
          --retention-check S  the server's privacy sweeper runs every S seconds (SelfRef:RetentionCheckSeconds, default 3)
          --ramp S             the first participants arrive over S seconds (default: a quarter of the window, at most 30)
          --seed N             participants, pauses, tabs, reloads and withdrawals (default 1)
          --abandon-after M    the experiment's assignment.abandonAfterMinutes, 1–10080 (default: its own, 60): how long the server
                               keeps the session of a participant who left mid-visit before it gives it up as abandoned
        """;

    public static async Task<int> Run(string verb, Arguments options, string root, int clients, double seconds, double drain, string? timeline, bool noBuild, bool keep)
    {
        var experimentId = options.Value("--experiment") ?? "gallup-replication";
        var pauses = options.Double("--pauses", 1);
        var secondTab = options.Double("--second-tab", 0.1);
        var reload = options.Double("--reload", 0.05);
        var withdrawEvery = options.Double("--withdraw-every", 5);
        var retentionCheck = options.Int("--retention-check", 3);
        var ramp = options.Double("--ramp", Math.Min(30, seconds / 4));
        var seed = options.Int("--seed", 1);
        // The experiment schema's own range (Assignment.AbandonAfterMinutes).
        int? abandonAfter = null;
        if (options.Value("--abandon-after") is { } abandonText)
        {
            if (!int.TryParse(abandonText, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) || minutes is < 1 or > 10_080)
            { Console.Error.WriteLine($"--abandon-after must be a whole number of minutes from 1 to 10080, not '{abandonText}'"); return 2; }
            abandonAfter = minutes;
        }
        if (retentionCheck is < 1 or > 86_400) { Console.Error.WriteLine("--retention-check must be between 1 and 86400 seconds"); return 2; }
        if (withdrawEvery < 0) { Console.Error.WriteLine("--withdraw-every must be 0 (nobody withdraws) or more"); return 2; }
        timeline ??= Path.Combine(root, "docs", verb + "-browser.csv");

        var (_, hardFiles) = ProcStatus.OpenFileLimits();
        // One socket per tab in the load generator and as many in the server, plus page and API requests.
        var filesNeeded = (long)Math.Ceiling(clients * (1 + secondTab)) + 600;
        if (hardFiles < filesNeeded)
        {
            Console.Error.WriteLine($"{clients} browsers need about {filesNeeded} open files per process, the limit is {hardFiles}: raise it (ulimit -n {Math.Max(filesNeeded, 65536)}) and run again");
            return 2;
        }

        var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"selfref-bench-{Guid.NewGuid():N}")).FullName;
        try
        {
            if (!noBuild)
            {
                AnsiConsole.MarkupLine("[grey]building SelfRef.Web (Release)…[/]");
                await ServerProcess.Build(root);
            }
            var gazetteer = GazetteerFile.Shared(Path.Combine(root, GazetteerFile.DefaultName));
            var settings = new ServerSettings
            {
                Environment = new Dictionary<string, string>
                {
                    ["SelfRef__RetentionCheckSeconds"] = retentionCheck.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    // The sweeper's own lines mark retention passes and rebuilds on the time line.
                    ["Logging__LogLevel__SelfRef.Web.Hosting.PrivacySweeper"] = "Information",
                },
                // Every finished session's identifiers are deleted at the next sweep: an erasure every few seconds.
                Experiment = e =>
                {
                    if ((string?)e["id"] != experimentId) return;
                    var privacy = e["privacy"] as System.Text.Json.Nodes.JsonObject ?? new System.Text.Json.Nodes.JsonObject();
                    privacy["deleteIdentifiers"] = "afterOutcome";
                    e["privacy"] = privacy;
                    if (abandonAfter is { } minutes) e["assignment"]!["abandonAfterMinutes"] = minutes;
                },
            };
            var load = new BrowserLoadOptions
            {
                BaseUrl = new Uri("http://127.0.0.1:1"),
                ExperimentId = experimentId,
                Clients = clients,
                Duration = TimeSpan.FromSeconds(seconds),
                Ramp = TimeSpan.FromSeconds(ramp),
                PauseScale = pauses,
                SecondTabShare = secondTab,
                ReloadShare = reload,
                WithdrawEvery = withdrawEvery > 0 ? TimeSpan.FromSeconds(withdrawEvery) : null,
                DrainTimeout = TimeSpan.FromSeconds(drain),
                Seed = seed,
            };
            load.Validate();

            BrowserLoadResult result;
            List<Sample> samples;
            WatchTotals totals;
            bool stoppedByTerm;
            TimeSpan stopTook;
            SweeperLog sweeper;
            string database;
            await using (var server = await ServerProcess.Start(root, work, settings: settings))
            {
                database = server.DatabasePath;
                AnsiConsole.MarkupLine($"[grey]server pid {server.Pid} at {server.BaseUrl}, database {server.DatabasePath}, privacy sweep every {retentionCheck} s, sessions abandoned after {(abandonAfter is { } m ? $"{m} min (--abandon-after)" : "the experiment's own time")}[/]");
                var watch = new ServerWatch(server);
                BrowserLoadGenerator? generator = null;
                sweeper = new SweeperLog(() => generator?.Elapsed ?? TimeSpan.Zero);
                server.Line += sweeper.Line;
                generator = new BrowserLoadGenerator(load with
                {
                    BaseUrl = server.BaseUrl,
                    Progress = p =>
                    {
                        var sample = watch.Take(p);
                        var b = p.Browser!;
                        AnsiConsole.MarkupLine(FormattableString.Invariant(
                            $"[grey]{p.Elapsed.TotalSeconds,6:F1}s[/] {p.Phase,-5} visits {b.Active,5} under way {b.Completed,5} done {b.Withdrawals,4} withdrawn  tabs {b.TabsOpen,5}  produced {p.Produced,9} acked {p.Acknowledged,9}  ack p50/p99/max {p.RecentAckLatency.P50,6:F1}/{p.RecentAckLatency.P99,7:F1}/{p.RecentAckLatency.Max,7:F1} ms  in flight {b.OldestInFlightMs,7:F0} ms  server cpu {sample.ServerCpu.TotalSeconds,6:F1}s rss {sample.ServerRss / 1048576.0,5:F0} MiB"));
                    },
                }, gazetteer);
                AnsiConsole.MarkupLine(FormattableString.Invariant(
                    $"[bold]browser-shaped[/]: {clients} browsers, {seconds} s, {experimentId}; pauses × {pauses}, second tab {secondTab:P0}, reload {reload:P0} per step, a withdrawal every {(withdrawEvery > 0 ? withdrawEvery + " s" : "never")}"));
                using var stop = new CancellationTokenSource();
                Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
                result = await generator.RunAsync(stop.Token);

                totals = await watch.Stop();
                samples = watch.Samples;
                var stopping = Stopwatch.StartNew();
                stoppedByTerm = await server.Stop();
                stopTook = stopping.Elapsed;
            }

            AnsiConsole.MarkupLine("[grey]reading the database back through the export verb…[/]");
            var exported = await ExportCheck.Run(ServerProcess.ServerDll(root), database, Path.Combine(work, "experiments"), experimentId, work, result.Visits);
            AnsiConsole.MarkupLine("[grey]asking a restarted server about every session…[/]");
            BrowserCheck.Report? asked = null;
            string? restartFailure = null;
            try
            {
                await using var again = await ServerProcess.Start(root, work, settings: settings);
                asked = await BrowserCheck.Run(again.BaseUrl, result.Visits);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException)
            {
                restartFailure = e.Message;
            }

            var marks = result.Withdrawals.Select(w => new ErasureMark(w.At, w.Took, ErasureMark.WithdrawalKind, $"POST …/withdraw answered {w.Status}"))
                .Concat(sweeper.Marks).OrderBy(m => m.At).ToList();
            var rows = LoadTimeline.Rows(samples, marks);
            var delays = ErasureImpact.Around(rows, marks);
            Report(result, totals, samples, stoppedByTerm, stopTook, exported, asked, restartFailure, delays, ErasureImpact.Away(rows, marks), retentionCheck);

            LoadTimeline.WriteCsv(rows, timeline);
            var plot = Path.ChangeExtension(timeline, ".png");
            LoadTimeline.WritePlot(rows, FormattableString.Invariant($"{verb} --browser: {clients:N0} browsers, {experimentId}, a withdrawal every {withdrawEvery} s, sweep every {retentionCheck} s"), plot, marks);
            var erasures = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(timeline))!, Path.GetFileNameWithoutExtension(timeline) + "-erasures.csv");
            ErasureImpact.WriteCsv(delays, erasures);
            AnsiConsole.MarkupLine($"timeline: {Markup.Escape(timeline)} ({rows.Count} seconds), plot: {Markup.Escape(plot)}, erasures: {Markup.Escape(erasures)}");
            if (LoadTimeline.Memory(rows) is { } trend) AnsiConsole.MarkupLine(Markup.Escape(LoadTimeline.Describe(trend)));
            var kept = exported.Clean && asked is { Clean: true };
            var keptUp = result.EventsUnacknowledged == 0 && stoppedByTerm && result.Count(VisitEnd.Failed) == 0;
            if (!kept || !keptUp)
            {
                var serverLog = Path.Combine(Path.GetTempPath(), $"selfref-bench-server-{DateTime.UtcNow:yyyyMMdd-HHmmss}.log");
                File.Copy(Path.Combine(work, "server.log"), serverLog, overwrite: true);
                AnsiConsole.MarkupLine($"[yellow]the server's log is kept at {Markup.Escape(serverLog)}[/]");
            }
            return kept && keptUp ? 0 : 1;
        }
        finally
        {
            if (keep) AnsiConsole.MarkupLine($"[grey]kept {work}[/]");
            else Directory.Delete(work, recursive: true);
        }
    }

    private static void Report(BrowserLoadResult r, WatchTotals totals, List<Sample> samples,
        bool stoppedByTerm, TimeSpan stopTook, ExportCheck.Result exported, BrowserCheck.Report? asked, string? restartFailure,
        IReadOnlyList<ErasureDelay> delays, List<double> away, int retentionCheck)
    {
        var o = r.Options;
        var table = new Table().AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
        Row("browsers / experiment", $"{o.Clients} / {o.ExperimentId} (identifiers deleted after the outcome, sweep every {retentionCheck} s)");
        Row("pauses / second tab / reload per step / withdrawal", $"× {o.PauseScale} / {o.SecondTabShare:P0} / {o.ReloadShare:P0} / every {(o.WithdrawEvery is { } w ? w.TotalSeconds + " s" : "never")}");
        Row("visits: completed / declined / withdrawn / left / unfinished / failed",
            $"{r.Count(VisitEnd.Completed)} / {r.Count(VisitEnd.Declined)} / {r.Count(VisitEnd.Withdrawn)} / {r.Count(VisitEnd.DroppedOut)} / {r.Count(VisitEnd.Unfinished)} / {r.Count(VisitEnd.Failed)} of {r.Visits.Count}");
        Row("second tabs / reloads (of them after a stored batch)", $"{r.SecondTabs} / {r.Reloads} ({r.ReloadsAfterStoredBatch})");
        Row("load window / drain", $"{r.LoadTime.TotalSeconds:F1} s / {r.DrainTime.TotalSeconds:F1} s");
        Row("acknowledged events/s (window)", $"{r.EventsPerSecond:N0}");
        Row("acknowledged batches/s (window, approx.) / events per batch", $"{r.EventsPerSecond / Math.Max(1e-9, r.EventsPerBatch):N0} / {r.EventsPerBatch:F2}");
        Row("ack latency p50 / p90 / p99 / max", $"{r.AckLatency.P50:F1} / {r.AckLatency.P90:F1} / {r.AckLatency.P99:F1} / {r.AckLatency.Max:F1} ms ({r.AckLatency.Count:N0} batches)");
        Row("gazetteer requests (map labels, place suggestions): count / p50 / p99 / max", $"{r.PlacesLatency.Count:N0} / {r.PlacesLatency.P50:F1} / {r.PlacesLatency.P99:F1} / {r.PlacesLatency.Max:F1} ms");
        Row("events produced / sent / acknowledged", $"{r.EventsProduced:N0} / {r.EventsSent:N0} / {r.EventsAcknowledged:N0}");
        Row("events of kept sessions never acknowledged (drain ran out)", $"{r.EventsUnacknowledged:N0}");
        Row("retries / disconnects / reconnects", $"{r.Retries} / {r.Disconnects} / {r.Reconnects}");
        if (r.Withdrawals.Count > 0)
        {
            var took = r.Withdrawals.Select(w => w.Took.TotalMilliseconds).ToList();
            Row("withdrawals: answered / POST took p50 / max", $"{r.Withdrawals.Count(w => w.Status == 200)} of {r.Withdrawals.Count} / {LatencySummary.Of(took).P50:F0} / {took.Max():F0} ms");
        }
        foreach (var kind in delays.Select(d => d.Mark.Kind).Distinct().Order())
        {
            var of = delays.Where(d => d.Mark.Kind == kind).Select(d => d.LongestMs).ToList();
            var summary = LatencySummary.Of([.. of]);
            Row($"longest ack delay around each {kind} (n = {of.Count}; {ErasureImpact.Span(kind)}): p50 / max / over {ErasureImpact.BoundMs:F0} ms",
                $"{summary.P50:F0} / {summary.Max:F0} ms / {of.Count(v => v > ErasureImpact.BoundMs)}");
        }
        if (away.Count > 0)
        {
            var summary = LatencySummary.Of([.. away]);
            Row("longest ack delay per second away from erasures: p50 / p99 / max", $"{summary.P50:F0} / {summary.P99:F0} / {summary.Max:F0} ms ({away.Count} s)");
        }
        totals.Rows(Row, samples);
        Row("load generator behind its participants' schedule p50 / p99 / max", $"{r.ScheduleLag.P50:F1} / {r.ScheduleLag.P99:F1} / {r.ScheduleLag.Max:F1} ms");
        Row("SIGTERM after the run", stoppedByTerm ? $"stopped in {stopTook.TotalSeconds:F1} s" : $"NOT stopped within 20 s: killed ({stopTook.TotalSeconds:F1} s)");
        if (exported.Failure is { } failure) Row("export of the database", "FAILED: " + failure);
        else
        {
            Row("export: rows / tab streams / took", $"{exported.Rows:N0} / {exported.Streams:N0} / {exported.Took.TotalSeconds:F1} s");
            Row("EVENTS LOST (acknowledged, not in the export)", $"{exported.EventsLost:N0} of {exported.EventsAcknowledged:N0} in {exported.StreamsShort} streams");
            Row("streams with gaps or duplicates / unknown streams", $"{exported.StreamsWithGapsOrDuplicates} / {exported.UnknownStreams}");
            Row("withdrawn or declined streams still holding events", $"{exported.GoneStreamsWithEvents} ({exported.GoneEvents:N0} events)");
        }
        if (asked is not null)
        {
            Row("restarted server: kept sessions / events durable of acknowledged / lost", $"{asked.KeptSessions} / {asked.EventsDurable:N0} of {asked.EventsAcknowledged:N0} / {asked.EventsLost:N0}");
            Row("restarted server: withdrawn still known / declined with events", $"{asked.WithdrawnStillKnown} of {asked.WithdrawnSessions} / {asked.DeclinedWithEvents} of {asked.DeclinedSessions}");
            foreach (var (problem, count) in asked.Problems) Row("restarted server: problem", $"{count}× {problem}");
        }
        else Row("restarted server", "did not start: " + restartFailure);
        AnsiConsole.Write(table);
        foreach (var (message, count) in r.Errors.OrderByDescending(e => e.Value))
            AnsiConsole.MarkupLine($"[yellow]{count}×[/] {Markup.Escape(message)}");
        foreach (var d in delays.OrderByDescending(d => d.LongestMs).Take(8))
            AnsiConsole.MarkupLine(Markup.Escape(FormattableString.Invariant(
                $"  erasure at {d.Mark.At.TotalSeconds,6:F1} s ({d.Mark.Kind}, took {d.Mark.Took.TotalMilliseconds:F0} ms): longest ack delay around it {d.LongestMs:F0} ms — {d.Mark.Detail}")));
        var ok = exported.Clean && asked is { Clean: true };
        AnsiConsole.MarkupLine(ok ? "[green]nothing acknowledged lost, nothing withdrawn or declined kept[/]" : "[red]EVENTS LOST, WITHDRAWN DATA KEPT, or the database could not be read back[/]");
        if (r.EventsUnacknowledged > 0)
            AnsiConsole.MarkupLine($"[red]the server stopped acknowledging: {r.EventsUnacknowledged:N0} events of kept sessions were still waiting when the {o.DrainTimeout.TotalSeconds:F0} s drain ended[/]");
        if (!stoppedByTerm) AnsiConsole.MarkupLine("[red]SIGTERM did not stop the server within 20 s[/]");
        var slow = delays.Count(d => d.LongestMs > ErasureImpact.BoundMs);
        AnsiConsole.MarkupLine(slow == 0
            ? $"[green]no acknowledgement delayed more than {ErasureImpact.BoundMs:F0} ms around any of {delays.Count} erasures[/]"
            : $"[yellow]{slow} of {delays.Count} erasures had an acknowledgement delayed more than {ErasureImpact.BoundMs:F0} ms around them (reported, not a pass/fail of the run)[/]");
    }
}
