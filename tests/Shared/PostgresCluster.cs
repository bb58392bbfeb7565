using System.Diagnostics;
using Npgsql;

namespace SelfRef.Tests.Support;

/// <summary>
/// A PostgreSQL cluster of the test run's own: <c>initdb</c> in a temporary folder, the server
/// listening only on a Unix socket in that folder (no TCP port, no system service), stopped and
/// deleted when the test process ends. One cluster per test process (<see cref="Shared"/>), a
/// database per test class (<see cref="CreateDatabase"/>). Tests never skip for want of it: without
/// the binaries the cluster fails with the command that installs them.
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    public const string Install = "apt-get install -y postgresql";
    private static readonly Lazy<PostgresCluster> SharedCluster = new(() =>
    {
        var cluster = new PostgresCluster();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.StopAndDelete(wait: false);
        return cluster;
    });

    private readonly string _bin;
    private readonly string? _runAs;
    private readonly bool _fsync;
    private int _databases;
    private bool _stopped;

    /// <summary>The cluster of this test process, started on first use.</summary>
    public static PostgresCluster Shared => SharedCluster.Value;

    public string Folder { get; }
    private string DataFolder => Path.Combine(Folder, "data");

    /// <summary>Connects as the cluster's superuser over its socket to <paramref name="database"/>.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = Folder,
        Username = "selfref",
        Database = database,
        // Each store has pools of its own; kept small, as the cluster allows 200 connections in all.
        MaxPoolSize = 10,
    }.ConnectionString;

    /// <param name="fsync">flush commits to disk as a deployed server does (benchmarks); tests leave it off.</param>
    public PostgresCluster(bool fsync = false)
    {
        _fsync = fsync;
        _bin = FindBinaries() ?? throw new InvalidOperationException(
            $"PostgreSQL's initdb and pg_ctl were found neither on PATH nor in /usr/lib/postgresql/*/bin: the PostgreSQL store's tests need them; install them with: {Install}");
        // initdb and postgres refuse to run as root: then the cluster runs as "nobody" (it owns the folder).
        _runAs = Environment.UserName == "root" ? "nobody" : null;
        Folder = Path.Combine(Path.GetTempPath(), $"selfref-pg-{Guid.NewGuid():N}"[..24]);
        Directory.CreateDirectory(Folder);
        try
        {
            if (_runAs is not null) Run("chown", [_runAs, Folder], asCluster: false);
            Run(Path.Combine(_bin, "initdb"), ["-D", DataFolder, "-U", "selfref", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
            Start();
        }
        catch
        {
            Directory.Delete(Folder, recursive: true);
            throw;
        }
    }

    /// <summary>A new, empty database; returns its connection string.</summary>
    public string CreateDatabase()
    {
        var name = $"test_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..30];
        using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        command.ExecuteNonQuery();
        return ConnectionString(name);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabase"/> (its connections are closed first).</summary>
    public void DropDatabase(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        connection.Open();
        using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        command.ExecuteNonQuery();
    }

    /// <summary>Stops the server at once (as a crash would), keeping its files; <see cref="Start"/> brings it back.</summary>
    public void Kill() => Run(Path.Combine(_bin, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"]);

    /// <remarks>
    /// No fsync keeps the tests fast on a loaded machine; a killed server still loses no commit (the OS
    /// keeps its writes), so commits stay synchronous: asynchronous ones would be lost by <see cref="Kill"/>.
    /// </remarks>
    public void Start() => Run(Path.Combine(_bin, "pg_ctl"), ["-D", DataFolder, "-l", Path.Combine(Folder, "server.log"), "-w", "-t", "120",
        "-o", $"-k {Folder} -c listen_addresses= {(_fsync ? "" : "-c fsync=off -c full_page_writes=off ")}-c max_connections=200", "start"]);

    private static string? FindBinaries()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).OrderByDescending(v => v, StringComparer.Ordinal).ToList()
            : [];
        return onPath.Concat(installed).FirstOrDefault(folder => File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl")));
    }

    private void Run(string program, IReadOnlyList<string> arguments, bool asCluster = true)
    {
        var start = new ProcessStartInfo
        {
            FileName = asCluster && _runAs is not null ? "runuser" : program,
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (asCluster && _runAs is not null) foreach (var a in new[] { "-u", _runAs, "--", program }) start.ArgumentList.Add(a);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result}{output.Result}{ServerLog()}");
    }

    private string ServerLog()
    {
        var log = Path.Combine(Folder, "server.log");
        return File.Exists(log) ? "\nserver log:\n" + File.ReadAllText(log) : "";
    }

    /// <summary>Stops the server and deletes the folder, waiting for both.</summary>
    public void Dispose() => StopAndDelete(wait: true);

    /// <summary>
    /// Stops the server and deletes the folder in a process of its own session (setsid), forked off
    /// so it is no child of the test host: at the end of a test run the host and its process tree
    /// may be killed right after the last test, and the cleanup must not die with them. With
    /// <paramref name="wait"/> false the folder goes a moment after the host ends.
    /// </summary>
    private void StopAndDelete(bool wait)
    {
        if (_stopped) return;
        _stopped = true;
        NpgsqlConnection.ClearAllPools();
        var stop = $"'{Path.Combine(_bin, "pg_ctl")}' -D '{DataFolder}' -m immediate -w stop";
        if (_runAs is not null) stop = $"runuser -u {_runAs} -- {stop}";
        var cleanup = new ProcessStartInfo("setsid", [.. wait ? Array.Empty<string>() : ["--fork"], "sh", "-c", $"exec >/dev/null 2>&1 </dev/null; {stop}; rm -rf '{Folder}'"]) { WorkingDirectory = "/" };
        using var process = Process.Start(cleanup)!;
        if (wait) process.WaitForExit();
    }
}

/// <summary>A database of the shared cluster for one test class (xunit class fixture), dropped after it.</summary>
public sealed class PostgresDatabase : IDisposable
{
    public PostgresCluster Cluster { get; } = PostgresCluster.Shared;
    public string ConnectionString { get; }

    public PostgresDatabase() => ConnectionString = Cluster.CreateDatabase();

    public void Dispose() => Cluster.DropDatabase(ConnectionString);
}
