using System.Diagnostics;
using System.Globalization;
using SelfRef.Stats.Figures;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Report;
using SelfRef.Stats.Results;

namespace SelfRef.Benchmarks;

/// <summary>
/// `report-phases`: where the time of `analyze --outcomes` goes, measured in one process with
/// the same library calls: reading the CSV, the statistics, the figures, then the whole report
/// written once more with everything already compiled. `analyze` itself prints no timings.
/// </summary>
internal static class ReportPhases
{
    public const string Usage = """
        usage: SelfRef.Benchmarks report-phases --outcomes FILE.csv [--out DIR]
          --outcomes FILE  outcome CSV, e.g. from `outcomes`
          --out DIR        where the report goes (default: a temporary folder, deleted afterwards)
        """;

    public static int Run(Arguments options)
    {
        if (options.Value("--outcomes") is not { } path)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var startup = DateTime.Now - Process.GetCurrentProcess().StartTime;
        var outDir = options.Value("--out") ?? Path.Combine(Path.GetTempPath(), $"selfref-phases-{Guid.NewGuid():N}");
        var reportOptions = new ReportOptions { ExperimentTitle = Path.GetFileNameWithoutExtension(path) };
        var process = Process.GetCurrentProcess();
        var phases = new List<(string Phase, TimeSpan Time, TimeSpan Cpu, long Allocated)> { ("process start to first line of the verb", startup, process.TotalProcessorTime, GC.GetTotalAllocatedBytes()) };
        var clock = Stopwatch.StartNew();
        // CPU time of the whole process (every thread, the GC's too): the machine is shared, so wall time alone misleads.
        T Timed<T>(string phase, Func<T> work)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes();
            clock.Restart();
            var result = work();
            var elapsed = clock.Elapsed;
            process.Refresh();
            phases.Add((phase, elapsed, process.TotalProcessorTime - cpu, GC.GetTotalAllocatedBytes() - allocated));
            return result;
        }
        try
        {
            var rows = Timed("read the CSV (OutcomeCsv.Read)", () => OutcomeCsv.Read(path));
            var results = Timed("statistics (ReplicationResults.Compute)", () => ReplicationResults.Compute(rows, reportOptions));
            var figures = Timed("figures: build and render PNG + SVG", () => ReportFigures.Create(results, reportOptions).Select(f => RenderedFigure.From(f)).ToList());
            var output = Timed("whole report again, warm (ReplicationReport.Write)", () => ReplicationReport.Write(rows, reportOptions, outDir));
            Console.WriteLine($"{"phase",-52} {"wall",9} {"CPU",9} {"allocated",13}");
            foreach (var (phase, time, cpu, bytes) in phases)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{phase,-52} {time.TotalSeconds,7:F3} s {cpu.TotalSeconds,7:F3} s {bytes / 1048576.0,9:F0} MiB"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{rows.Count:N0} rows, {results.Participants:N0} participants, {figures.Count} figures; managed heap now {GC.GetTotalMemory(false) / 1048576.0:F0} MiB, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB"));
            foreach (var c in output.Results.Conditions)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{c.Task} by condition: Fisher {c.Fisher.Method} p = {c.Fisher.PValue:G6} ({c.Fisher.TablesEnumerated:N0} steps for {c.Fisher.Arrangements:G3} tables)"));
            return 0;
        }
        finally
        {
            if (options.Value("--out") is null && Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
        }
    }
}
