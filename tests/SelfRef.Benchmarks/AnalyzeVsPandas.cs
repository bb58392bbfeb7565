using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using SelfRef.Stats.Outcomes;

namespace SelfRef.Benchmarks;

/// <summary>
/// `analyze-vs-pandas`: the whole `analyze --outcomes` process (Release build, figures and report)
/// against pandas_reference.py computing the same statistics from the same file, run in turns
/// (analyze, pandas, analyze, …) so both see the same machine, with the medians and their ratio —
/// of wall time and of CPU time (user + system of the whole process, its threads and children): on a
/// shared machine wall time mostly measures the other work, CPU time what each process needed.
/// </summary>
internal static class AnalyzeVsPandas
{
    public const string Usage = """
        usage: SelfRef.Benchmarks analyze-vs-pandas [--participants N] [--conditions C] [--seed S] [--runs R] [--dir DIR] [--no-build]
          --participants N  participants of the synthetic outcome table, two rows each (default 500000: 1,000,000 rows)
          --conditions C    condition levels, 2 to 4 (default 2)
          --seed S          seed of the table (default 1); the table is made once per N, C and S and kept in DIR
          --runs R          runs of each, alternating (default 3)
          --dir DIR         where the table and the reports go (default /tmp/selfref-bench)
          --no-build        time the SelfRef.Web Release build as it is (default: build it first)
        needs Debian's python3 with pandas and SciPy: apt-get install -y python3-pandas python3-scipy
        """;

    private const string Python = "/usr/bin/python3";

    public static async Task<int> Run(Arguments options)
    {
        var participants = options.Int("--participants", 500_000);
        var conditions = options.Int("--conditions", 2);
        var seed = options.Int("--seed", 1);
        var runs = options.Int("--runs", 3);
        var dir = Path.GetFullPath(options.Value("--dir") ?? "/tmp/selfref-bench");
        if (participants < 1 || conditions is < 2 or > 4 || runs < 1)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        if (!PandasInstalled(out var why))
        {
            Console.Error.WriteLine($"pandas and SciPy are needed for the comparison ({why}). Install them with:");
            Console.Error.WriteLine("  apt-get install -y python3-pandas python3-scipy");
            Console.Error.WriteLine($"(Debian's packages for {Python}; the comparison uses that interpreter, not a pyenv one)");
            return 2;
        }

        var root = SelfRef.Tests.Support.Repository.Root;
        var script = Path.Combine(root, "tests", "SelfRef.Benchmarks", "pandas_reference.py");
        if (!options.Flag("--no-build"))
        {
            Console.WriteLine("building SelfRef.Web (Release)…");
            await ServerProcess.Build(root);
        }
        var dll = ServerProcess.ServerDll(root);
        Directory.CreateDirectory(dir);
        var csv = Path.Combine(dir, string.Create(CultureInfo.InvariantCulture, $"outcomes-{participants}-c{conditions}-s{seed}.csv"));
        if (!File.Exists(csv))
        {
            Console.WriteLine($"writing {csv} …");
            OutcomeCsv.Write(csv + ".part", SyntheticOutcomeCsv.Rows(participants, seed, conditions));
            File.Move(csv + ".part", csv, overwrite: true);
        }
        var report = Path.Combine(dir, "report-analyze-vs-pandas");
        var pandasJson = Path.Combine(dir, "pandas-analyze-vs-pandas.json");

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"table: {csv} ({2L * participants:N0} rows, {participants:N0} participants, {conditions} conditions, {new FileInfo(csv).Length / 1048576.0:F1} MiB)"));
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; load before: {LoadAverage()}");
        var analyze = new List<(double Wall, double Cpu)>();
        var pandas = new List<(double Wall, double Cpu)>();
        for (var run = 1; run <= runs; run++)
        {
            if (Directory.Exists(report)) Directory.Delete(report, recursive: true);
            var a = Timed("dotnet", [dll, "analyze", "--outcomes", csv, "--out", report]);
            analyze.Add(a);
            var p = Timed(Python, [script, "--outcomes", csv, "--json", pandasJson]);
            pandas.Add(p);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run {run}: analyze {a.Wall,6:F2} s wall {a.Cpu,6:F2} s CPU   pandas {p.Wall,6:F2} s wall {p.Cpu,6:F2} s CPU   load {LoadAverage()}"));
        }
        double ma = Median(analyze.Select(a => a.Wall)), mp = Median(pandas.Select(p => p.Wall));
        double ca = Median(analyze.Select(a => a.Cpu)), cp = Median(pandas.Select(p => p.Cpu));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median wall: analyze {ma:F2} s, pandas {mp:F2} s; analyze takes {ma / mp:F2}× pandas' time ({(ma < mp ? "faster" : "slower")})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median CPU (user + system): analyze {ca:F2} s, pandas {cp:F2} s; analyze takes {ca / cp:F2}× pandas' CPU time ({(ca < cp ? "less" : "more")})"));
        Console.WriteLine($"load after: {LoadAverage()}");

        // The same numbers? pandas_reference.py compares every shared value with analyze's results.json.
        Timed(Python, [script, "--outcomes", csv, "--compare", Path.Combine(report, "results.json")], echo: true, check: false);
        return 0;
    }

    private static bool PandasInstalled(out string why)
    {
        if (!File.Exists(Python))
        {
            why = $"{Python} is not there";
            return false;
        }
        using var check = Process.Start(new ProcessStartInfo(Python, ["-c", "import pandas, scipy"]) { RedirectStandardError = true })!;
        var error = check.StandardError.ReadToEnd();
        check.WaitForExit();
        why = check.ExitCode == 0 ? "" : error.Trim().Split('\n')[^1];
        return check.ExitCode == 0;
    }

    /// <summary>
    /// Wall time of one whole process, from start to exit, and its CPU time (user + system, from the
    /// children's resource usage before and after: the process has been waited for, so it is counted);
    /// its output is kept out of the console unless asked for.
    /// </summary>
    private static (double Wall, double Cpu) Timed(string program, string[] arguments, bool echo = false, bool check = true)
    {
        var info = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        var cpuBefore = ChildrenCpuSeconds();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var seconds = clock.Elapsed.TotalSeconds;
        var cpu = ChildrenCpuSeconds() - cpuBefore;
        if (echo) Console.Write(output.Result);
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output.Result}{errors.Result}");
        return (seconds, cpu);
    }

    /// <summary>User + system seconds of every child process this one has waited for (getrusage, RUSAGE_CHILDREN).</summary>
    private static double ChildrenCpuSeconds()
    {
        const int children = -1;
        if (GetResourceUsage(children, out var usage) != 0)
            throw new InvalidOperationException($"getrusage failed (errno {Marshal.GetLastPInvokeError()})");
        return usage.UserSeconds + usage.UserMicroseconds / 1e6 + usage.SystemSeconds + usage.SystemMicroseconds / 1e6;
    }

    // struct rusage on 64-bit Linux: two struct timeval (seconds, microseconds), then 14 longs this benchmark does not read.
    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxRss, Ixrss, Idrss, Isrss, Minflt, Majflt, Nswap, Inblock, Oublock, Msgsnd, Msgrcv, Nsignals, Nvcsw, Nivcsw;
    }

    [DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int GetResourceUsage(int who, out ResourceUsage usage);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
