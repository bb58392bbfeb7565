using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SelfRef.Web.Commands;

/// <summary>
/// This same program started as `serve` in a child process on a free loopback port, with a given
/// database and experiments folder: the simulate verb's own server. A child process keeps the
/// server exactly as `serve` builds it (no second copy of Program.cs's set-up), and when it has
/// stopped its database file is free for this process to store codes and analyse.
/// </summary>
public sealed class LocalServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];

    private LocalServer(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>The server's last lines of output, for an error message.</summary>
    public string Log
    {
        get { lock (_log) return string.Join(Environment.NewLine, _log.TakeLast(15)); }
    }

    public static async Task<LocalServer> Start(string database, string experiments, TimeSpan limit)
    {
        var baseUrl = new Uri($"http://127.0.0.1:{FreePort()}");
        var info = ThisProgram(["serve", "--urls", baseUrl.ToString().TrimEnd('/'), "--db", database, "--experiments", experiments]);
        // A new database gets a researcher account; its password is nobody's business here.
        info.Environment["SelfRef__ResearcherPassword"] = "simulation-" + Guid.NewGuid().ToString("N");
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        // Every simulated participant arrives from this machine: no start limit per address.
        info.Environment["SelfRef__StartsPerAddress"] = "0";
        var process = Process.Start(info) ?? throw new IOException("could not start the server process");
        var server = new LocalServer(process, baseUrl);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try { await server.WaitUntilHealthy(limit); }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>This program with the given arguments, its output redirected, in the current folder.</summary>
    public static ProcessStartInfo ThisProgram(IReadOnlyList<string> args)
    {
        var program = typeof(LocalServer).Assembly.Location;
        // The apphost beside the dll when there is one (dotnet run, publish), else the dotnet host.
        var apphost = Path.ChangeExtension(program, OperatingSystem.IsWindows() ? ".exe" : null);
        var info = File.Exists(apphost)
            ? new ProcessStartInfo(apphost, args)
            : new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [program, .. args]);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.WorkingDirectory = Environment.CurrentDirectory;
        return info;
    }

    private void Keep(string? line)
    {
        if (line is null || line.Contains("password", StringComparison.OrdinalIgnoreCase)) return;
        lock (_log) _log.Add(line);
    }

    private async Task WaitUntilHealthy(TimeSpan limit)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < limit)
        {
            if (_process.HasExited) throw new IOException($"the server stopped with exit code {_process.ExitCode}:{Environment.NewLine}{Log}");
            try
            {
                using var response = await http.GetAsync("/healthz");
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new IOException($"the server did not answer /healthz within {limit.TotalSeconds:0} s:{Environment.NewLine}{Log}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops the server as an operator would (SIGTERM, so it closes its database), killing it only if it does not stop.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            if (OperatingSystem.IsWindows()) _process.Kill(entireProcessTree: true);
            else using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!)
                await term.WaitForExitAsync();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await _process.WaitForExitAsync(limit.Token); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
        }
        _process.Dispose();
    }
}
