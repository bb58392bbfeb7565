using Microsoft.Extensions.Options;
using SelfRef.Core.Sessions;

namespace SelfRef.Web.Hosting;

/// <summary>Frees the condition slots of sessions that went silent or did not consent in time (see Assignment.AbandonAfterMinutes and ConsentWithinMinutes).</summary>
public sealed class AbandonedSessionSweeper(SessionService sessions, IOptions<SelfRefOptions> options, ILogger<AbandonedSessionSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.AbandonCheckSeconds));
        while (await timer.NextTickUnlessStopped(stoppingToken))
        {
            try
            {
                var freed = await sessions.ReleaseAbandoned(stoppingToken);
                if (freed > 0) log.LogInformation("Released the condition slots of {Count} session(s) that went silent or did not consent in time", freed);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Checking for abandoned sessions failed; trying again at the next tick");
            }
        }
    }
}
