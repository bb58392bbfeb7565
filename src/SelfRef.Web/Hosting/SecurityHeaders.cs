using SelfRef.Core.Experiments;

namespace SelfRef.Web.Hosting;

/// <summary>
/// Headers every answer carries: a content security policy that allows no inline script and no
/// other site but a configured tile server, no framing by other sites, no MIME sniffing; and,
/// unless a tile server from elsewhere is configured, cross-origin isolation, which gives the
/// browser's event timestamps their full (5 µs) resolution.
/// </summary>
public static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, IEnumerable<Experiment> experiments)
    {
        // Whatever a task step loads from elsewhere (a map's tile server) is the only other origin allowed.
        var tileOrigins = experiments.SelectMany(e => e.Steps)
            .SelectMany(step => StepTypes.TaskOf(step)?.ExternalOrigins(step) ?? [])
            .Distinct()
            .ToList();
        var policy = string.Join("; ",
            "default-src 'self'",
            "script-src 'self'",
            // The report is one self-contained page with its styles inline; Leaflet sets styles from script.
            "style-src 'self' 'unsafe-inline'",
            $"img-src 'self' data: blob:{string.Concat(tileOrigins.Select(o => " " + o))}",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            // The live report frames the report of the same site; nobody else may frame any page.
            "frame-ancestors 'self'");
        var isolate = tileOrigins.Count == 0;
        return app.Use(async (http, next) =>
        {
            var headers = http.Response.Headers;
            headers.ContentSecurityPolicy = policy;
            headers.XContentTypeOptions = "nosniff";
            if (isolate)
            {
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Cross-Origin-Embedder-Policy"] = "require-corp";
            }
            await next();
        });
    }
}
