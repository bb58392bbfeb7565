using Npgsql;
using SelfRef.Tests.Support;

namespace SelfRef.Benchmarks;

/// <summary>Where a load run's server keeps its data (<c>--store</c>).</summary>
public enum BenchmarkStore { LiteDb, Postgres }

/// <summary>
/// What ingest, load and soak run against: one server on a temporary LiteDB file, or one or two
/// servers on a PostgreSQL cluster of the run's own (initdb in a temporary folder, as the tests'),
/// two of them sharing a redis-server of the run's own as SignalR backplane and Data Protection
/// key ring. Everything it starts it stops and deletes when disposed; <see cref="Abandon"/> does
/// the same at once for a run stopped hard.
/// </summary>
public sealed class Deployment : IAsyncDisposable
{
    public const int MaxInstances = 2;
    // Each instance's read pool, well inside the cluster's 200 connections (plus one writer connection each).
    private const int PoolPerInstance = 50;

    private readonly List<ServerProcess> _servers = [];
    private PostgresCluster? _cluster;
    private RedisServer? _redis;
    private string? _connectionString;
    private int _released, _abandoned;

    private Deployment(BenchmarkStore store) => Store = store;

    public BenchmarkStore Store { get; }
    public IReadOnlyList<ServerProcess> Servers => _servers;

    /// <summary>Where the data is, for the report: the LiteDB file, or the cluster's socket folder and database.</summary>
    public string Describe() => Store == BenchmarkStore.LiteDb
        ? _servers[0].DatabasePath
        : $"PostgreSQL at {_cluster!.Folder} (fsync {(Fsync ? "on" : "off")}){(_redis is null ? "" : $", Redis {_redis.Address}")}";

    public bool Fsync { get; private init; }

    /// <summary>Null when the combination can run; else why not, as the message to print.</summary>
    public static string? Refusal(BenchmarkStore store, int instances) => (store, instances) switch
    {
        (_, < 1 or > MaxInstances) => $"--instances must be 1 or {MaxInstances}, not {instances}",
        (BenchmarkStore.LiteDb, > 1) => "--instances 2 needs --store postgres: LiteDB allows one process per database file, so two instances cannot share one",
        _ => null,
    };

    /// <summary>Parses <c>--store</c>: litedb (default) or postgres.</summary>
    public static BenchmarkStore? ParseStore(string? value) => value?.ToLowerInvariant() switch
    {
        null or "litedb" => BenchmarkStore.LiteDb,
        "postgres" or "postgresql" => BenchmarkStore.Postgres,
        _ => null,
    };

    /// <summary>
    /// Starts the store's services and <paramref name="instances"/> servers, each in a folder of its
    /// own under <paramref name="work"/>. If anything fails or <paramref name="stop"/> is cancelled
    /// on the way, what was started is stopped again before the exception leaves.
    /// </summary>
    /// <param name="deployment">set as soon as there is something to clean up, so a signal handler can <see cref="Abandon"/> it.</param>
    public static async Task<Deployment> Start(string root, string work, BenchmarkStore store, int instances, bool fsync, Action<Deployment> deployment, Action<string> say, CancellationToken stop)
    {
        if (Refusal(store, instances) is { } refusal) throw new ArgumentException(refusal);
        var d = new Deployment(store) { Fsync = fsync };
        deployment(d);
        try
        {
            var environment = new Dictionary<string, string>();
            if (store == BenchmarkStore.Postgres)
            {
                say($"starting a PostgreSQL cluster of the run's own (fsync {(fsync ? "on" : "off")})…");
                d._cluster = new PostgresCluster(fsync);
                d._connectionString = new NpgsqlConnectionStringBuilder(d._cluster.CreateDatabase()) { MaxPoolSize = PoolPerInstance }.ConnectionString;
                environment["SelfRef__Store"] = "postgres";
                environment["SelfRef__ConnectionString"] = d._connectionString;
                stop.ThrowIfCancellationRequested();
                if (instances > 1)
                {
                    d._redis = await RedisServer.Start();
                    environment["SelfRef__Redis"] = d._redis.Address;
                    say($"redis-server at {d._redis.Address}");
                }
            }
            var settings = new ServerSettings { Environment = environment };
            for (var i = 0; i < instances; i++)
            {
                stop.ThrowIfCancellationRequested();
                var folder = instances == 1 ? work : Directory.CreateDirectory(Path.Combine(work, $"instance-{i + 1}")).FullName;
                d._servers.Add(await ServerProcess.Start(root, folder, settings: settings));
            }
            stop.ThrowIfCancellationRequested();
            return d;
        }
        catch
        {
            await d.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the servers (as an operator would), so that everything acknowledged is committed.</summary>
    public async Task StopServers()
    {
        foreach (var server in _servers) await server.Stop();
    }

    /// <summary>Batches and events the store holds (after <see cref="StopServers"/>).</summary>
    public (long Documents, long Events) CountStored()
    {
        if (Store == BenchmarkStore.LiteDb) return RawInsert.CountStored(_servers[0].DatabasePath);
        using var connection = new NpgsqlConnection(_connectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT count(*), coalesce(sum(last - seq + 1), 0)::bigint FROM events", connection);
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>
    /// Kills everything at once and deletes the cluster's folder, without waiting for the servers:
    /// for a run stopped a second time (Ctrl-C twice), which ends the process right after. The
    /// cluster runs in a session of its own (pg_ctl), so nothing else would stop it.
    /// </summary>
    public void Abandon()
    {
        // Also while an orderly stop is under way: the second Ctrl-C comes exactly then.
        if (Interlocked.Exchange(ref _abandoned, 1) == 1) return;
        foreach (var server in _servers) _ = server.Kill();
        _redis?.Kill();
        _cluster?.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 1) return;
        foreach (var server in _servers) await server.DisposeAsync();
        if (_redis is not null) await _redis.DisposeAsync();
        _cluster?.Dispose();
    }
}
