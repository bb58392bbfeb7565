using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SelfRef.Tests.Support;

/// <summary>
/// A private redis-server (Debian's) on a free loopback port with a temporary folder, nothing
/// saved to disk. A machine without it fails the test with the command that installs it: the
/// scale-out tests are part of every run, never skipped. Shared by the fault tests and the benchmarks.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private RedisServer(Process process, string folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The address as SelfRef's Redis setting takes it.</summary>
    public string Address => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> Start()
    {
        var program = Executable() ?? throw new InvalidOperationException(
            "redis-server is not installed; the scale-out tests and the two-instance benchmark need it: apt-get install -y redis-server");
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"selfref-redis-{Guid.NewGuid():N}")).FullName;
        var port = FreePort();
        var process = Process.Start(new ProcessStartInfo(program,
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", folder, "--daemonize", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, folder, port);
        // Until it answers PING; the limit only catches a redis-server that never comes up.
        var clock = Stopwatch.StartNew();
        try
        {
            while (!await server.Pong())
            {
                if (process.HasExited) throw new InvalidOperationException($"redis-server exited with {process.ExitCode} on port {port}");
                if (clock.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("redis-server did not answer PING within 60 s");
                await Task.Delay(100);
            }
        }
        catch
        {
            // Nothing of it may outlive the failed start (a CI machine would keep a stray redis-server).
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    private static string? Executable() =>
        new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
        ?? (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, "redis-server")).FirstOrDefault(File.Exists);

    private async Task<bool> Pong()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var n = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException) { return false; }
        catch (IOException) { return false; }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Kills redis-server at once, without waiting (a benchmark stopped by a second Ctrl-C); the folder stays.</summary>
    public void Kill()
    {
        try { if (!_process.HasExited) _process.Kill(); }
        catch (InvalidOperationException) { }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }
}
