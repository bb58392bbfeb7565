using Microsoft.Extensions.Options;
using SelfRef.Core.Privacy;
using SelfRef.Core.Storage;

namespace SelfRef.Web.Hosting;

/// <summary>
/// Deletes identifiers whose retention has ended and then rebuilds the database file if anything
/// was deleted (retention, withdrawals), so that the file keeps no bytes of it. Runs every
/// RetentionCheckSeconds on the host's clock.
/// </summary>
public sealed class PrivacySweeper(RetentionPass retention, IStore store, TimeProvider time, IOptions<SelfRefOptions> options, ILogger<PrivacySweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RetentionCheckSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try { await RunOnce(); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Deleting identifiers whose retention ended failed; trying again at the next tick");
            }
        }
    }

    /// <summary>One pass: retention, then the rebuild. Returns how many sessions lost their identifiers.</summary>
    public async Task<int> RunOnce()
    {
        var count = await retention.Run();
        if (count > 0) log.LogInformation("Deleted the identifiers of {Count} session(s) whose retention ended", count);
        if (await store.Compact()) log.LogInformation("Rebuilt the database file so that it keeps no bytes of deleted data");
        return count;
    }
}
