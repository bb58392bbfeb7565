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
    int Acks, double AckP50, double AckP99, double AckMax, double ServerCpuPercent, double GeneratorCpuPercent, double MachineCpuPercent,
    double ServerRssMiB, double LoadAverage, long Disconnects, long Reconnects);

/// <summary>How much the server's memory moved over the load window.</summary>
/// <param name="SlopeMiBPerMinute">least-squares slope of resident memory over the window after its first minute (warm-up).</param>
internal sealed record MemoryTrend(double FirstMinuteMiB, double SecondMinuteMiB, double LastMinuteMiB, double SlopeMiBPerMinute, double MinMiB, double MaxMiB)
{
    /// <summary>Growth from the second minute (after warm-up) to the last, as a share.</summary>
    public double Growth => SecondMinuteMiB > 0 ? LastMinuteMiB / SecondMinuteMiB - 1 : double.NaN;
}

internal static class LoadTimeline
{
    public static IReadOnlyList<TimelineRow> Rows(IReadOnlyList<Sample> samples)
    {
        var rows = new List<TimelineRow>(samples.Count);
        for (var i = 1; i < samples.Count; i++)
        {
            var (a, b) = (samples[i - 1], samples[i]);
            var seconds = (b.Progress.Elapsed - a.Progress.Elapsed).TotalSeconds;
            if (seconds <= 0) continue;
            double Percent(TimeSpan used) => used.TotalSeconds / seconds * 100;
            var p = b.Progress;
            rows.Add(new TimelineRow(
                p.Elapsed.TotalSeconds, p.Phase, p.Connected, p.Produced, p.Acknowledged, (p.Acknowledged - a.Progress.Acknowledged) / seconds,
                p.RecentAckLatency.Count, p.RecentAckLatency.P50, p.RecentAckLatency.P99, p.RecentAckLatency.Max,
                Percent(b.ServerCpu - a.ServerCpu), Percent(b.OwnCpu - a.OwnCpu), Percent(b.MachineBusy - a.MachineBusy),
                b.ServerRss / 1048576.0, b.LoadAverage, p.Disconnects, p.Reconnects));
        }
        return rows;
    }

    public static void WriteCsv(IReadOnlyList<TimelineRow> rows, string path)
    {
        var csv = new StringBuilder("elapsed_s,phase,connected,produced,acknowledged,acked_events_per_s,acks,ack_p50_ms,ack_p99_ms,ack_max_ms,server_cpu_pct,generator_cpu_pct,machine_cpu_pct,server_rss_mib,load_avg_1m,disconnects,reconnects\n");
        foreach (var r in rows)
            csv.AppendLine(string.Join(',', F(r.ElapsedSeconds), r.Phase.ToString().ToLowerInvariant(), r.Connected, r.Produced, r.Acknowledged, F(r.EventsPerSecond),
                r.Acks, F(r.AckP50), F(r.AckP99), F(r.AckMax), F(r.ServerCpuPercent), F(r.GeneratorCpuPercent), F(r.MachineCpuPercent), F(r.ServerRssMiB), F(r.LoadAverage), r.Disconnects, r.Reconnects));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, csv.ToString());

        static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
    }

    /// <summary>The server's memory over the load window, minute by minute; null if the window is shorter than two minutes.</summary>
    public static MemoryTrend? Memory(IReadOnlyList<TimelineRow> rows)
    {
        var load = rows.Where(r => r.Phase == LoadPhase.Load).ToList();
        if (load.Count < 2) return null;
        var start = load[0].ElapsedSeconds;
        var end = load[^1].ElapsedSeconds;
        if (end - start < 120) return null;
        double Mean(Func<TimelineRow, bool> which) => load.Where(which).Select(r => r.ServerRssMiB).DefaultIfEmpty(double.NaN).Average();
        var afterWarmUp = load.Where(r => r.ElapsedSeconds >= start + 60).ToList();
        return new MemoryTrend(
            Mean(r => r.ElapsedSeconds < start + 60),
            Mean(r => r.ElapsedSeconds >= start + 60 && r.ElapsedSeconds < start + 120),
            Mean(r => r.ElapsedSeconds > end - 60),
            Slope(afterWarmUp.Select(r => r.ElapsedSeconds / 60).ToList(), afterWarmUp.Select(r => r.ServerRssMiB).ToList()),
            load.Min(r => r.ServerRssMiB), load.Max(r => r.ServerRssMiB));
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
    public static void WritePlot(IReadOnlyList<TimelineRow> rows, string title, string path)
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
        latency.Axes.SetLimitsY(0, Math.Max(1, withAcks.Select(r => r.AckP99).DefaultIfEmpty(1).Max()) * 1.1);
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
