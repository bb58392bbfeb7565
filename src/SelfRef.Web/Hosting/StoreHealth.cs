using SelfRef.Core.Experiments;
using SelfRef.Core.Storage;

namespace SelfRef.Web.Hosting;

/// <summary>
/// Whether the store can store now: /healthz writes and reads back a record (503 when it cannot,
/// never a file path), and a store that fails for good stops the server with a non-zero exit
/// code, so that a supervisor restarts it instead of it accepting work it cannot keep.
/// </summary>
public static class StoreHealth
{
    public const int ExitCodeStoreFailed = 75;
    // Between the failure and the stop every write is refused at once (the store's Failure is
    // set); the pause lets those refusals reach their senders before the stop closes every
    // connection, so a participant's page hears "not stored" instead of a dropped connection.
    private static readonly TimeSpan RefusalsReachSenders = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ProbeLimit = TimeSpan.FromSeconds(5);

    public static void MapHealth(this WebApplication app) => app.MapGet("/healthz", async (IStore store, ExperimentCatalog catalog, CancellationToken aborted) =>
    {
        try
        {
            await store.CheckWritable().WaitAsync(ProbeLimit, aborted);
            return Results.Ok(new { status = "ok", experiments = catalog.Experiments.Count });
        }
        catch (Exception e) when (e is not OperationCanceledException || !aborted.IsCancellationRequested)
        {
            return Results.Json(new { status = "unavailable", reason = e is TimeoutException ? "the store did not answer within 5 s" : "the store cannot write" },
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    });

    /// <summary>Stops the server when the store fails; the returned function gives the exit code the program ends with.</summary>
    public static Func<int> StopWhenStoreFails(this WebApplication app)
    {
        var store = app.Services.GetRequiredService<IStore>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StoreHealth));
        var failed = 0;
        store.Failed += error =>
        {
            log.LogCritical(error, "The store cannot write any more; stopping the server (exit code {Code}) so that it can be restarted", ExitCodeStoreFailed);
            Interlocked.Exchange(ref failed, 1);
            _ = Task.Delay(RefusalsReachSenders).ContinueWith(_ => app.Lifetime.StopApplication(), TaskScheduler.Default);
        };
        return () => Volatile.Read(ref failed) == 1 ? ExitCodeStoreFailed : 0;
    }
}
