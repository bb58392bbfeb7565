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
    /// <summary>The headers for the experiments of the catalog, made again whenever its versions change.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, ExperimentCatalog catalog)
    {
        // Every version a running session may be on counts, not only the ones new sessions get.
        IEnumerable<Experiment> All() => catalog.Histories.SelectMany(h => h.Readable().Select(v => v.Experiment));
        var headers = Headers(All());
        catalog.Changed += _ => headers = Headers(All());
        return app.Use(async (http, next) =>
        {
            var (policy, isolate) = headers;
            Apply(http.Response.Headers, policy, isolate);
            await next();
        });
    }

    private static void Apply(IHeaderDictionary headers, string policy, bool isolate)
    {
        headers.ContentSecurityPolicy = policy;
        headers.XContentTypeOptions = "nosniff";
        if (isolate)
        {
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Cross-Origin-Embedder-Policy"] = "require-corp";
        }
    }

    private static (string Policy, bool Isolate) Headers(IEnumerable<Experiment> experiments)
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
        return (policy, tileOrigins.Count == 0);
    }
}
