using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Participant;

public static class SessionStartLimitRegistration
{
    public static IServiceCollection AddSessionStartLimit(this IServiceCollection services) =>
        services.AddRateLimiter(limits => limits.AddPolicy<string, SessionStartLimit>(SessionStartLimit.Policy));
}

/// <summary>
/// How many new sessions one client address may start through the participant link: a token
/// bucket of <see cref="SelfRefOptions.StartsPerAddress"/> starts (a class behind one router
/// arrives at once) given back at <see cref="SelfRefOptions.StartsPerAddressPerHour"/>. Only a
/// request that would start a session counts: a browser resuming its own session (resume cookie),
/// an unknown link and an experiment that takes nobody new pass uncounted. Beyond the limit the
/// answer is 429 with Retry-After and a polite page in the participant's language; no session
/// is started and no slot taken, so a script cannot fill a study with empty sessions.
/// </summary>
public sealed class SessionStartLimit(SessionService sessions, UiText ui, IOptions<SelfRefOptions> options) : IRateLimiterPolicy<string>
{
    public const string Policy = "session-start";
    private const string Uncounted = "";

    public RateLimitPartition<string> GetPartition(HttpContext http)
    {
        var settings = options.Value;
        if (settings.StartsPerAddress == 0 || !WouldStart(http)) return RateLimitPartition.GetNoLimiter(Uncounted);
        return RateLimitPartition.GetTokenBucketLimiter(ClientAddresses.Key(http.Connection.RemoteIpAddress), _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.StartsPerAddress,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromHours(1) / settings.StartsPerAddressPerHour,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private bool WouldStart(HttpContext http) =>
        http.GetRouteValue("experimentId") is string id
        && sessions.Experiment(id) is not null
        && ParticipantEndpoints.Resumable(http, id, sessions) is null
        && sessions.Status(id) == ExperimentStatus.Open;

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (context, cancel) =>
    {
        var http = context.HttpContext;
        var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        var language = http.GetRouteValue("experimentId") is string id && sessions.Experiment(id) is { } experiment
            ? LanguageChoice.Choose(experiment, http.Request.Query["lang"], http.Request.Headers.AcceptLanguage)
            : ui.Choose(http.Request.Query["lang"], http.Request.Headers.AcceptLanguage);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.ContentType = "text/html; charset=utf-8";
        await http.Response.WriteAsync(ui.TooManyStartsPage(language, TimeSpan.FromSeconds(seconds)), cancel);
    };
}
