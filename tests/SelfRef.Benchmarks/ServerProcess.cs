using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SelfRef.Benchmarks;

/// <summary>
/// The real server (Release build of SelfRef.Web) as a child process on a free loopback port,
/// with a temporary database and a temporary copy of the experiments.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ServerProcess(Process process, Uri baseUrl, string databasePath, string logPath, StreamWriter log)
    {
        _process = process;
        BaseUrl = baseUrl;
        DatabasePath = databasePath;
        LogPath = logPath;
        _log = log;
    }

    public Uri BaseUrl { get; }
    public string DatabasePath { get; }
    public string LogPath { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    public int Port => BaseUrl.Port;

    /// <summary>Each line the server writes (standard output and error), as it comes; read from a background thread.</summary>
    public event Action<string>? Line;

    public static string ServerDll(string repositoryRoot, string configuration = "Release") =>
        Path.Combine(repositoryRoot, "src", "SelfRef.Web", "bin", configuration, "net10.0", "SelfRef.Web.dll");

    /// <summary>Builds SelfRef.Web in Release (incremental, a few seconds when nothing changed).</summary>
    public static async Task Build(string repositoryRoot)
    {
        var build = Process.Start(new ProcessStartInfo("dotnet", ["build", Path.Combine(repositoryRoot, "src", "SelfRef.Web"), "-c", "Release", "--nologo", "-v", "q"])
        {
            WorkingDirectory = repositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = build.StandardOutput.ReadToEndAsync();
        var errors = build.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await build.WaitForExitAsync(limit.Token);
        if (build.ExitCode != 0) throw new InvalidOperationException("building SelfRef.Web failed:\n" + await output + await errors);
    }

    /// <param name="port">a port to listen on (a restart on the same address); else a free one.</param>
    /// <param name="configuration">which build of SelfRef.Web to run (tests run their own, Debug).</param>
    /// <param name="settings">environment and experiment changes beyond the defaults below.</param>
    public static async Task<ServerProcess> Start(string repositoryRoot, string workFolder, int? port = null, string configuration = "Release", ServerSettings? settings = null)
    {
        var dll = ServerDll(repositoryRoot, configuration);
        if (!File.Exists(dll)) throw new FileNotFoundException($"no {configuration} build of the server; build SelfRef.Web first", dll);
        var experiments = Path.Combine(workFolder, "experiments");
        Directory.CreateDirectory(experiments);
        // A load run starts more sessions than a study's target sample size, at which the server
        // would turn new arrivals away as "full": the copies get a target no run reaches.
        foreach (var file in Directory.GetFiles(Path.Combine(repositoryRoot, "experiments"), "*.json"))
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!;
            if (json is System.Text.Json.Nodes.JsonObject experiment && experiment.ContainsKey("id"))
            {
                experiment["targetSampleSize"] = 1_000_000;
                // Load clients may stream on the consent step and never agree: keep their slots for the whole run.
                if (experiment["assignment"] is not System.Text.Json.Nodes.JsonObject assignment) experiment["assignment"] = assignment = new();
                assignment["consentWithinMinutes"] = 10_080;
                settings?.Experiment?.Invoke(experiment);
            }
            File.WriteAllText(Path.Combine(experiments, Path.GetFileName(file)), json.ToJsonString());
        }
        var database = Path.Combine(workFolder, "bench.db");
        var baseUrl = new Uri($"http://127.0.0.1:{port ?? FreePort()}");
        var info = new ProcessStartInfo("dotnet", [dll, "--urls", baseUrl.ToString().TrimEnd('/'), "--db", database, "--experiments", experiments])
        {
            WorkingDirectory = workFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["SelfRef__ResearcherPassword"] = "benchmark-only-" + Guid.NewGuid().ToString("N");
        // Thousands of clients start sessions from this one machine: no start limit per address.
        info.Environment["SelfRef__StartsPerAddress"] = "0";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (name, value) in settings?.Environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        var logPath = Path.Combine(workFolder, "server.log");
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        var server = new ServerProcess(process, baseUrl, database, logPath, log);
        process.OutputDataReceived += (_, e) => server.Received(e.Data, "");
        process.ErrorDataReceived += (_, e) => server.Received(e.Data, "err: ");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilHealthy(TimeSpan.FromSeconds(180));
        }
        catch
        {
            // A server that never became healthy is no one's to stop later.
            await server.Kill();
            lock (server._log) server._log.Dispose();
            throw;
        }
        return server;
    }

    private void Received(string? line, string prefix)
    {
        if (line is null) return;
        lock (_log) _log.WriteLine(prefix + line);
        Line?.Invoke(line);
    }

    private async Task WaitUntilHealthy(TimeSpan limit)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < limit)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the server exited with {_process.ExitCode}; see {LogPath}");
            try
            {
                using var response = await http.GetAsync("/healthz");
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"the server did not answer /healthz within {limit}; see {LogPath}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Resident memory now and its peak (VmRSS, VmHWM) in bytes, from /proc.</summary>
    public (long Rss, long Peak) Memory() => ProcStatus.Memory(Pid);

    /// <summary>CPU time the server has used (user + system).</summary>
    public TimeSpan CpuTime() => ProcStatus.CpuTime(Pid);

    /// <summary>Kills the server without warning (SIGKILL on Linux), as a crash or an OOM killer would.</summary>
    public async Task Kill()
    {
        if (_process.HasExited) return;
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>Stops the server as an operator would (SIGTERM), killing it only if it does not stop within 20 s. False if it had to be killed.</summary>
    public async Task<bool> Stop() => _process.HasExited || (await Terminate(TimeSpan.FromSeconds(20))).ExitCode is not null;

    /// <summary>
    /// Sends SIGTERM and waits for the server to stop by itself (the limit only catches a hang);
    /// returns how long it took and its exit code, or null if it had to be killed.
    /// </summary>
    public async Task<(TimeSpan Took, int? ExitCode)> Terminate(TimeSpan hangLimit)
    {
        var clock = Stopwatch.StartNew();
        using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString()]))!) await term.WaitForExitAsync();
        using var limit = new CancellationTokenSource(hangLimit);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
            return (clock.Elapsed, _process.ExitCode);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
            return (clock.Elapsed, null);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stop();
        _process.Dispose();
        lock (_log) _log.Dispose();
    }
}

/// <summary>What a server run changes beyond <see cref="ServerProcess.Start"/>'s defaults.</summary>
public sealed record ServerSettings
{
    /// <summary>Environment variables of the server process, e.g. SelfRef__RetentionCheckSeconds or Logging__LogLevel__….</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>A change made to every experiment's copy (after its target sample size is raised).</summary>
    public Action<System.Text.Json.Nodes.JsonObject>? Experiment { get; init; }
}

/// <summary>Readings from /proc (Linux).</summary>
public static class ProcStatus
{
    public static (long Rss, long Peak) Memory(int pid)
    {
        long rss = 0, peak = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kilobytes(line);
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kilobytes(line);
            }
        }
        catch (IOException) { }
        return (rss, peak);
    }

    public static TimeSpan CpuTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After the name: state is field 3, utime field 14 and stime field 15 (1-based, man proc).
            var ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
            return TimeSpan.FromSeconds(ticks / 100.0);
        }
        catch (IOException) { return TimeSpan.Zero; }
    }

    /// <summary>CPU time all processes of the machine have used (user, nice, system, irq, softirq), from /proc/stat.</summary>
    public static TimeSpan MachineBusy()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Field(int i) => long.Parse(fields[i]);
        return TimeSpan.FromSeconds((Field(1) + Field(2) + Field(3) + Field(6) + Field(7)) / 100.0);
    }

    /// <summary>The 1-minute load average.</summary>
    public static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Soft and hard limits on open files of this process.</summary>
    public static (long Soft, long Hard) OpenFileLimits()
    {
        foreach (var line in File.ReadLines("/proc/self/limits"))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal)) continue;
            var parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (Parse(parts[0]), Parse(parts[1]));
        }
        return (0, 0);

        static long Parse(string value) => value == "unlimited" ? long.MaxValue : long.Parse(value);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
}
