using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SelfRef.Benchmarks;

/// <summary>
/// Lighthouse's performance score of the participant's map page (issue 17.4): the server (a
/// build of SelfRef.Web) on loopback, one session walked to the map step of gallup-map, and
/// Lighthouse 12.2.3 (npm, in lighthouse/ beside this project, installed here on first use) with
/// its default mobile profile and simulated throttling on Debian's Chromium. Lighthouse simulates
/// a slow phone and network from the page's requests (lantern), so the score follows the page's
/// bytes and request chain more than this machine's load; the load average is printed beside it.
/// Its CPU factor (4×) assumes a desk-top host; on a slower or busy host the page's script time is
/// counted slower than on the phone it stands for. With --calibrate each run is followed by one
/// whose factor makes this host as fast as that phone: Lighthouse's own benchmark index of the
/// host divided by the phone's (264, the Moto G Power 2022 of the mobile profile, as Chrome
/// DevTools' CPU calibration has it), between 1 and 4.
/// </summary>
internal static class LighthouseBenchmark
{
    public const string Usage = """
        usage: SelfRef.Benchmarks lighthouse [--runs 3] [--calibrate] [--experiment gallup-map] [--configuration Release] [--root FOLDER] [--no-build] [--keep]
          --runs           Lighthouse runs, each on a new session (the median is the figure)
          --calibrate      after each run, one more with the CPU factor fitted to this host (benchmark index / 264)
          --experiment     an experiment whose third step is the page to audit (consent, instructions, then the task)
          --configuration  which build of SelfRef.Web to serve (Release is built first unless --no-build)
          --root           another checkout to serve (e.g. the main branch, built already) for a before/after figure
          --keep           keep the work folder (server log, Lighthouse's JSON reports)
        """;

    /// <summary>Lighthouse's benchmark index of the phone its mobile profile stands for (Moto G Power 2022).</summary>
    private const double PhoneBenchmarkIndex = 264;

    private static readonly string[] Metrics = ["first-contentful-paint", "largest-contentful-paint", "speed-index", "total-blocking-time", "cumulative-layout-shift", "interactive"];

    public static async Task<int> Run(Arguments options, string root)
    {
        var runs = options.Int("--runs", 3);
        if (runs is < 1 or > 20) { Console.Error.WriteLine("--runs must be between 1 and 20"); return 2; }
        var experiment = options.Value("--experiment") ?? "gallup-map";
        var configuration = options.Value("--configuration") ?? "Release";
        var served = options.Value("--root") is { } other ? Path.GetFullPath(other) : root;
        var tools = Path.Combine(root, "tests", "SelfRef.Benchmarks", "lighthouse");
        var chromium = Environment.GetEnvironmentVariable("CHROME_PATH") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium)) { Console.Error.WriteLine($"no Chromium at {chromium} (apt-get install -y chromium, or set CHROME_PATH)"); return 2; }

        await InstallLighthouse(tools);
        if (!options.Flag("--no-build") && served == root && configuration == "Release") await ServerProcess.Build(served);
        var work = Directory.CreateTempSubdirectory("selfref-lighthouse-").FullName;
        var scores = new List<Report>();
        var calibrated = new List<Report>();
        try
        {
            await using var server = await ServerProcess.Start(served, work, configuration: configuration);
            Console.WriteLine($"server: {served} ({configuration}) at {server.BaseUrl}; Lighthouse 12.2.3, mobile profile, simulated throttling, {chromium}");
            for (var run = 1; run <= runs; run++)
            {
                var url = await SessionAtThirdStep(server.BaseUrl, experiment);
                var load = ProcStatus.LoadAverage();
                // On a busy host Lighthouse may give up on the browser (a DevTools timeout): that run is left out, said so.
                if (await TryAudit(tools, chromium, url, Path.Combine(work, $"lighthouse-{run}.json"), null, run) is not { } report) continue;
                scores.Add(report);
                Console.WriteLine($"run {run}: performance {report.Score:F0}  {report.Describe()}  (load average {load:F1} on {Environment.ProcessorCount} cores)");
                if (!options.Flag("--calibrate")) continue;
                var factor = Math.Clamp(report.BenchmarkIndex / PhoneBenchmarkIndex, 1, 4);
                url = await SessionAtThirdStep(server.BaseUrl, experiment);
                load = ProcStatus.LoadAverage();
                if (await TryAudit(tools, chromium, url, Path.Combine(work, $"lighthouse-{run}-calibrated.json"), factor, run) is not { } fitted) continue;
                calibrated.Add(fitted);
                Console.WriteLine($"run {run}, CPU factor {factor:F2}: performance {fitted.Score:F0}  {fitted.Describe()}  (load average {load:F1})");
            }
        }
        finally
        {
            if (options.Flag("--keep")) Console.WriteLine($"kept: {work}");
            else Directory.Delete(work, recursive: true);
        }
        if (scores.Count == 0) { Console.Error.WriteLine("no Lighthouse run finished"); return 1; }
        var median = scores.OrderBy(s => s.Score).ElementAt(scores.Count / 2);
        Console.WriteLine($"median of {scores.Count} run(s): performance {median.Score:F0}  {median.Describe()}");
        if (calibrated.Count > 0)
        {
            var fittedMedian = calibrated.OrderBy(s => s.Score).ElementAt(calibrated.Count / 2);
            Console.WriteLine($"median of {calibrated.Count} run(s), CPU factor fitted to this host: performance {fittedMedian.Score:F0}  {fittedMedian.Describe()}");
        }
        return 0;
    }

    /// <summary>Lighthouse's figures of one run: the score (0–100), its metrics and the page's bytes.</summary>
    private sealed record Report(double Score, IReadOnlyDictionary<string, string> Metrics, double Bytes, int Requests, double BenchmarkIndex)
    {
        public string Describe() =>
            string.Join("  ", Metrics.Select(m => $"{m.Key} {m.Value}")) + $"  bytes {Bytes / 1024:F0} KB in {Requests} requests  host benchmark index {BenchmarkIndex:F0}";
    }

    /// <summary>npm ci from the committed lock whenever it changed since the last install (the stamp in node_modules).</summary>
    private static async Task InstallLighthouse(string tools)
    {
        var stamp = Path.Combine(tools, "node_modules", ".selfref-npm-stamp");
        var lockFile = Path.Combine(tools, "package-lock.json");
        if (File.Exists(stamp) && File.GetLastWriteTimeUtc(stamp) >= File.GetLastWriteTimeUtc(lockFile)) return;
        Console.WriteLine("installing Lighthouse (npm ci in tests/SelfRef.Benchmarks/lighthouse) …");
        await RunProcess("npm", ["ci", "--no-audit", "--no-fund"], tools, new Dictionary<string, string>(), TimeSpan.FromMinutes(10));
        File.WriteAllText(stamp, "");
    }

    /// <summary>A new participant of the experiment, agreed and past the instructions: the link of the page at its task.</summary>
    private static async Task<string> SessionAtThirdStep(Uri baseUrl, string experiment)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = baseUrl };
        using var start = await http.GetAsync($"/s/{experiment}?lang=en");
        if (start.StatusCode != HttpStatusCode.Redirect || start.Headers.Location is not { } page)
            throw new InvalidOperationException($"/s/{experiment} answered {(int)start.StatusCode}, not a redirect to a session");
        var token = page.OriginalString.Split('/')[^1];
        for (var i = 0; i < 2; i++)
        {
            var state = await http.GetFromJsonAsync<JsonElement>($"/api/p/{token}");
            var step = state.GetProperty("step").GetProperty("id").GetString();
            using var advance = await http.PostAsJsonAsync($"/api/p/{token}/advance", new { step });
            if (!advance.IsSuccessStatusCode) throw new InvalidOperationException($"advancing past {step} answered {(int)advance.StatusCode}: {await advance.Content.ReadAsStringAsync()}");
        }
        return new Uri(baseUrl, $"/p/{token}").ToString();
    }

    private static async Task<Report?> TryAudit(string tools, string chromium, string url, string output, double? cpuFactor, int run)
    {
        try { return await Audit(tools, chromium, url, output, cpuFactor); }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            Console.WriteLine($"run {run}{(cpuFactor is { } f ? $", CPU factor {f:F2}" : "")}: failed, left out: {e.Message.Split('\n').FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)) ?? e.Message.Split('\n')[0]}");
            return null;
        }
    }

    /// <param name="cpuFactor">Lighthouse's CPU slowdown factor; null for its default (4).</param>
    private static async Task<Report> Audit(string tools, string chromium, string url, string output, double? cpuFactor)
    {
        var cli = Path.Combine(tools, "node_modules", "lighthouse", "cli", "index.js");
        string[] arguments = [cli, url, "--only-categories=performance", "--output=json", $"--output-path={output}", "--quiet",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu"];
        if (cpuFactor is { } factor) arguments = [.. arguments, $"--throttling.cpuSlowdownMultiplier={factor.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)}"];
        await RunProcess("node", arguments, tools, new Dictionary<string, string> { ["CHROME_PATH"] = chromium }, TimeSpan.FromMinutes(5));
        using var json = JsonDocument.Parse(File.ReadAllText(output));
        var lhr = json.RootElement;
        if (lhr.TryGetProperty("runtimeError", out var error) && error.TryGetProperty("code", out var code))
            throw new InvalidOperationException($"Lighthouse could not audit {url}: {code} {error.GetProperty("message").GetString()}");
        var audits = lhr.GetProperty("audits");
        var score = lhr.GetProperty("categories").GetProperty("performance").GetProperty("score").GetDouble() * 100;
        var metrics = Metrics.ToDictionary(m => m, m => audits.GetProperty(m).GetProperty("displayValue").GetString() ?? "");
        var bytes = audits.GetProperty("total-byte-weight").GetProperty("numericValue").GetDouble();
        var requests = audits.GetProperty("network-requests").GetProperty("details").GetProperty("items").GetArrayLength();
        var benchmarkIndex = lhr.GetProperty("environment").GetProperty("benchmarkIndex").GetDouble();
        return new Report(score, metrics, bytes, requests, benchmarkIndex);
    }

    private static async Task RunProcess(string program, string[] arguments, string folder, Dictionary<string, string> environment, TimeSpan limit)
    {
        var info = new ProcessStartInfo(program, arguments) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment) info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(limit);
        try { await process.WaitForExitAsync(cancel.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {limit}");
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{await output}{await errors}");
    }
}
