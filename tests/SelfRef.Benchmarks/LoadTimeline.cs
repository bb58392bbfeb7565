using System.Globalization;
using System.Text;
using ScottPlot;
using SelfRef.Simulation.Load;
using SelfRef.Stats.Figures;
using SkiaSharp;

namespace SelfRef.Benchmarks;

/// <summary>One second of a load or soak run: throughput, ack latency, CPU and the server's memory.</summary>
internal sealed record TimelineRow(
    double ElapsedSeconds, LoadPhase Phase, int Connected, long Produced, long Acknowledged, double EventsPerSecond,
    int Acks, double AckP50, double AckP90, double AckP99, double AckMax, double ServerCpuPercent, double GeneratorCpuPercent, double MachineCpuPercent,
    double ServerRssMiB, double LoadAverage, long Disconnects, long Reconnects)
{
    /// <summary>Browser-shaped runs: the visits, tabs and erasures of this second (null otherwise).</summary>
    public BrowserSecond? Browser { get; init; }

    /// <summary>The longest an acknowledgement took or had been waiting in this second: the slowest ack received, or the batch longest in flight at its end.</summary>
    public double LongestAckDelayMs => Math.Max(AckMax, Browser?.OldestInFlightMs ?? 0);
}

/// <summary>A second of a browser-shaped run: participants under way and done, erasures that began in it, the batch longest in flight and the oldest event not yet acknowledged at its end.</summary>
internal sealed record BrowserSecond(int Active, int Completed, int Withdrawn, int TabsOpen, int Reloads, int Withdrawals, int SweeperMarks, double OldestInFlightMs, double OldestPendingMs);

/// <summary>How much the server's memory moved over the load window.</summary>
/// <param name="SlopeMiBPerMinute">least-squares slope of resident memory over the window after its warm-up.</param>
internal sealed record MemoryTrend(double FirstMinuteMiB, double SecondMinuteMiB, double LastMinuteMiB, double SlopeMiBPerMinute, double MinMiB, double MaxMiB)
{
    /// <summary>Flat: over the window's second half, memory grows by less than this share of its level per minute.</summary>
    public const double FlatSharePerMinute = 0.01;
    /// <summary>Shorter windows are too short to tell a slow leak from warm-up.</summary>
    public const double MinutesToJudge = 5;

    public double WindowMinutes { get; init; }
    public double WarmUpMinutes { get; init; }
    public double SecondHalfSlopeMiBPerMinute { get; init; }
    public double SecondHalfMeanMiB { get; init; }

    /// <summary>Growth from the second minute (after warm-up) to the last, as a share.</summary>
    public double Growth => SecondMinuteMiB > 0 ? LastMinuteMiB / SecondMinuteMiB - 1 : double.NaN;

    /// <summary>true: flat; false: growing; null: the window is too short to tell.</summary>
    public bool? Flat => WindowMinutes < MinutesToJudge ? null : SecondHalfSlopeMiBPerMinute <= FlatSharePerMinute * SecondHalfMeanMiB;
}

internal static class LoadTimeline
{
    /// <param name="marks">erasures (withdrawals, the sweeper's passes) to count in the second they began (browser-shaped runs).</param>
    public static IReadOnlyList<TimelineRow> Rows(IReadOnlyList<Sample> samples, IReadOnlyList<ErasureMark>? marks = null)
    {
        var rows = new List<TimelineRow>(samples.Count);
        for (var i = 1; i < samples.Count; i++)
        {
            var (a, b) = (samples[i - 1], samples[i]);
            var seconds = (b.Progress.Elapsed - a.Progress.Elapsed).TotalSeconds;
            if (seconds <= 0) continue;
            double Percent(TimeSpan used) => used.TotalSeconds / seconds * 100;
            var p = b.Progress;
            BrowserSecond? browser = null;
            if (p.Browser is { } counts)
            {
                var within = (marks ?? []).Where(m => m.At > a.Progress.Elapsed && m.At <= p.Elapsed).ToList();
                browser = new BrowserSecond(counts.Active, counts.Completed, counts.Withdrawn, counts.TabsOpen, counts.Reloads,
                    within.Count(m => m.Kind == ErasureMark.WithdrawalKind), within.Count(m => m.Kind != ErasureMark.WithdrawalKind), counts.OldestInFlightMs, counts.OldestPendingMs);
            }
            rows.Add(new TimelineRow(
                p.Elapsed.TotalSeconds, p.Phase, p.Connected, p.Produced, p.Acknowledged, (p.Acknowledged - a.Progress.Acknowledged) / seconds,
                p.RecentAckLatency.Count, p.RecentAckLatency.P50, p.RecentAckLatency.P90, p.RecentAckLatency.P99, p.RecentAckLatency.Max,
                Percent(b.ServerCpu - a.ServerCpu), Percent(b.OwnCpu - a.OwnCpu), Percent(b.MachineBusy - a.MachineBusy),
                b.ServerRss / 1048576.0, b.LoadAverage, p.Disconnects, p.Reconnects) { Browser = browser });
        }
        return rows;
    }

    public static void WriteCsv(IReadOnlyList<TimelineRow> rows, string path)
    {
        var browser = rows.Any(r => r.Browser is not null);
        var csv = new StringBuilder("elapsed_s,phase,connected,produced,acknowledged,acked_events_per_s,acks,ack_p50_ms,ack_p90_ms,ack_p99_ms,ack_max_ms,server_cpu_pct,generator_cpu_pct,machine_cpu_pct,server_rss_mib,load_avg_1m,disconnects,reconnects");
        csv.Append(browser ? ",active_visits,completed,withdrawn,tabs_open,reloads,withdrawals_begun,sweeper_marks,longest_in_flight_ms,oldest_unacknowledged_ms\n" : "\n");
        foreach (var r in rows)
        {
            csv.Append(string.Join(',', F(r.ElapsedSeconds), r.Phase.ToString().ToLowerInvariant(), r.Connected, r.Produced, r.Acknowledged, F(r.EventsPerSecond),
                r.Acks, F(r.AckP50), F(r.AckP90), F(r.AckP99), F(r.AckMax), F(r.ServerCpuPercent), F(r.GeneratorCpuPercent), F(r.MachineCpuPercent), F(r.ServerRssMiB), F(r.LoadAverage), r.Disconnects, r.Reconnects));
            if (browser && r.Browser is { } b)
                csv.Append(',').Append(string.Join(',', b.Active, b.Completed, b.Withdrawn, b.TabsOpen, b.Reloads, b.Withdrawals, b.SweeperMarks, F(b.OldestInFlightMs), F(b.OldestPendingMs)));
            csv.Append('\n');
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, csv.ToString());
    }

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>
    /// The server's memory over the load window: the slope of resident memory after a warm-up (the
    /// first minute, or the first third of a window shorter than three minutes) and over the
    /// window's second half; the minute means when the window lasts two minutes or more. Null if
    /// the window has fewer than 10 samples.
    /// </summary>
    public static MemoryTrend? Memory(IReadOnlyList<TimelineRow> rows)
    {
        var load = rows.Where(r => r.Phase == LoadPhase.Load).ToList();
        if (load.Count < 10) return null;
        var start = load[0].ElapsedSeconds;
        var end = load[^1].ElapsedSeconds;
        var warmUp = Math.Min(60, (end - start) / 3);
        var secondHalf = load.Where(r => r.ElapsedSeconds >= (start + end) / 2).ToList();
        double Mean(Func<TimelineRow, bool> which) => load.Where(which).Select(r => r.ServerRssMiB).DefaultIfEmpty(double.NaN).Average();
        var minutes = end - start >= 120;
        var afterWarmUp = load.Where(r => r.ElapsedSeconds >= start + warmUp).ToList();
        return new MemoryTrend(
            minutes ? Mean(r => r.ElapsedSeconds < start + 60) : double.NaN,
            minutes ? Mean(r => r.ElapsedSeconds >= start + 60 && r.ElapsedSeconds < start + 120) : double.NaN,
            minutes ? Mean(r => r.ElapsedSeconds > end - 60) : double.NaN,
            Slope(afterWarmUp.Select(r => r.ElapsedSeconds / 60).ToList(), afterWarmUp.Select(r => r.ServerRssMiB).ToList()),
            load.Min(r => r.ServerRssMiB), load.Max(r => r.ServerRssMiB))
        {
            WindowMinutes = (end - start) / 60,
            WarmUpMinutes = warmUp / 60,
            SecondHalfSlopeMiBPerMinute = Slope(secondHalf.Select(r => r.ElapsedSeconds / 60).ToList(), secondHalf.Select(r => r.ServerRssMiB).ToList()),
            SecondHalfMeanMiB = secondHalf.Average(r => r.ServerRssMiB),
        };
    }

    /// <summary>One line for the run's summary.</summary>
    public static string Describe(MemoryTrend t)
    {
        var minutes = double.IsNaN(t.FirstMinuteMiB) ? "" : FormattableString.Invariant(
            $"first minute {t.FirstMinuteMiB:F0} MiB, second {t.SecondMinuteMiB:F0} MiB, last {t.LastMinuteMiB:F0} MiB ({t.Growth * 100:+0.0;-0.0} % from the second); ");
        var verdict = t.Flat switch
        {
            true => "flat",
            false => "GROWING",
            null => $"window under {MemoryTrend.MinutesToJudge:F0} min: too short to tell a leak from warm-up",
        };
        return FormattableString.Invariant(
            $"server memory in the load window: {minutes}slope after {t.WarmUpMinutes:0.#} min warm-up {t.SlopeMiBPerMinute:+0.0;-0.0} MiB/min, over the second half {t.SecondHalfSlopeMiBPerMinute:+0.0;-0.0} MiB/min ({t.SecondHalfSlopeMiBPerMinute / t.SecondHalfMeanMiB * 100:+0.00;-0.00} % of {t.SecondHalfMeanMiB:F0} MiB per minute; flat below +{MemoryTrend.FlatSharePerMinute * 100:0} %): {verdict}; range {t.MinMiB:F0}..{t.MaxMiB:F0} MiB");
    }

    private static double Slope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var (mx, my) = (x.Average(), y.Average());
        double sxy = 0, sxx = 0;
        for (var i = 0; i < x.Count; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxx > 0 ? sxy / sxx : 0;
    }

    /// <summary>Two panels over time: the server's resident memory, and the ack latency (p50 and p99 of each second).</summary>
    /// <param name="marks">erasures, drawn as vertical lines on the latency panel (withdrawals orange, the sweeper's passes grey).</param>
    public static void WritePlot(IReadOnlyList<TimelineRow> rows, string title, string path, IReadOnlyList<ErasureMark>? marks = null)
    {
        var shown = rows.Where(r => r.Phase is LoadPhase.Load or LoadPhase.Drain).ToList();
        if (shown.Count == 0) shown = rows.ToList();
        var start = shown.Count > 0 ? shown[0].ElapsedSeconds : 0;
        double[] minutes = shown.Select(r => (r.ElapsedSeconds - start) / 60).ToArray();

        var memory = FigureStyle.NewPlot(title, "minutes since the load window opened", "server resident memory (MiB)");
        var rss = memory.Add.Scatter(minutes, shown.Select(r => r.ServerRssMiB).ToArray(), FigureStyle.Blue);
        rss.MarkerSize = 0;
        rss.LineWidth = 2;
        rss.LegendText = "VmRSS, sampled every second";
        memory.Axes.SetLimitsY(0, Math.Max(1, shown.Max(r => r.ServerRssMiB)) * 1.15);
        memory.Legend.Alignment = Alignment.LowerRight;

        var latency = FigureStyle.NewPlot("", "minutes since the load window opened", "ack latency (ms)");
        var withAcks = shown.Where(r => r.Acks > 0).ToList();
        double[] ackMinutes = withAcks.Select(r => (r.ElapsedSeconds - start) / 60).ToArray();
        var p99 = latency.Add.Scatter(ackMinutes, withAcks.Select(r => r.AckP99).ToArray(), FigureStyle.Vermillion);
        p99.MarkerSize = 0;
        p99.LegendText = "p99 of each second";
        var p50 = latency.Add.Scatter(ackMinutes, withAcks.Select(r => r.AckP50).ToArray(), FigureStyle.BluishGreen);
        p50.MarkerSize = 0;
        p50.LineWidth = 2;
        p50.LegendText = "p50 of each second";
        var top = withAcks.Select(r => r.AckP99).DefaultIfEmpty(1).Max();
        if (shown.Any(r => r.Browser is not null))
        {
            var inFlight = latency.Add.Scatter(minutes, shown.Select(r => r.Browser?.OldestInFlightMs ?? 0).ToArray(), FigureStyle.Orange);
            inFlight.MarkerSize = 0;
            inFlight.LinePattern = LinePattern.Dotted;
            inFlight.LegendText = "longest in flight at the end of each second";
            top = Math.Max(top, shown.Max(r => r.Browser?.OldestInFlightMs ?? 0));
        }
        foreach (var mark in marks ?? [])
        {
            var line = latency.Add.VerticalLine((mark.At.TotalSeconds - start) / 60);
            line.LineWidth = 1;
            line.LineColor = (mark.Kind == ErasureMark.WithdrawalKind ? FigureStyle.Orange : FigureStyle.Grey).WithAlpha(0.5);
        }
        latency.Axes.SetLimitsY(0, Math.Max(1, top) * 1.1);
        latency.Legend.Alignment = Alignment.UpperRight;
        foreach (var plot in new[] { memory, latency }) plot.Axes.SetLimitsX(0, Math.Max(minutes.DefaultIfEmpty(0).Max(), 0.1));

        const int width = FigureStyle.Width, height = 420;
        using var surface = SKSurface.Create(new SKImageInfo(width, height * 2));
        surface.Canvas.Clear(SKColors.White);
        var y = 0;
        foreach (var plot in new[] { memory, latency })
        {
            using var image = SKImage.FromEncodedData(plot.GetImageBytes(width, height, ImageFormat.Png));
            surface.Canvas.DrawImage(image, 0, y);
            y += height;
        }
        using var png = surface.Snapshot().Encode(SKEncodedImageFormat.Png, 100);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, png.ToArray());
    }
}
