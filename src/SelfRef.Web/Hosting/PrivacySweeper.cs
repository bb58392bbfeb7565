using Microsoft.Extensions.Options;
using SelfRef.Core.Privacy;

namespace SelfRef.Web.Hosting;

/// <summary>
/// Deletes identifiers whose retention has ended (destroys their keys, see RetentionPass). Runs
/// every RetentionCheckSeconds on the host's clock.
/// </summary>
public sealed class PrivacySweeper(RetentionPass retention, TimeProvider time, IOptions<SelfRefOptions> options, ILogger<PrivacySweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RetentionCheckSeconds), time);
        while (await timer.NextTickUnlessStopped(stoppingToken))
        {
            try { await RunOnce(stoppingToken); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Deleting identifiers whose retention ended failed; trying again at the next tick");
            }
        }
    }

    /// <summary>One pass. Returns how many sessions lost their identifiers.</summary>
    public async Task<int> RunOnce(CancellationToken stop = default)
    {
        var count = await retention.Run(stop);
        if (count > 0) log.LogInformation("Deleted the identifiers of {Count} session(s) whose retention ended", count);
        return count;
    }
}
