using System.IO.Compression;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.ResponseCompression;

namespace SelfRef.Web.Hosting;

/// <summary>
/// How the participant page's files travel light. Static files (wwwroot, with the bundles and map
/// outlines the build makes in wwwroot/lib) are served by <c>MapStaticAssets</c>, which compresses
/// them at build (gzip while developing, Brotli and gzip when published) and answers with the
/// compressed file the browser accepts, with an ETag (a returning participant gets 304, no body).
/// The pages keep their plain addresses: participant.html is a static file and the bundle's chunks
/// import each other by esbuild's names, so no fingerprinted address would reach the browser; the
/// chunks' names carry esbuild's content hash instead and are cached for a year.
/// Of the answers made per request only public ones are compressed (the place names, and the
/// participant page's HTML, which holds no more than its own address's token and public file names,
/// see <see cref="Participant.ParticipantPage"/>): compressing a participant's own data beside text
/// an attacker can choose would open it to BREACH-style guessing over HTTPS.
/// </summary>
public static partial class StaticAssets
{
    /// <summary>esbuild's chunk names: <c>map-LYHV2E2U.js</c> (name, dash, 8-character content hash).</summary>
    [GeneratedRegex(@"^/lib/participant/[a-z0-9-]+-[A-Z0-9]{8}\.js$")]
    private static partial Regex HashedChunk();

    public static IServiceCollection AddPublicCompression(this IServiceCollection services)
    {
        services.AddResponseCompression(compression =>
        {
            compression.EnableForHttps = true;
            compression.Providers.Add<BrotliCompressionProvider>();
            compression.Providers.Add<GzipCompressionProvider>();
            compression.MimeTypes = ["application/json", "text/html"];
        });
        services.Configure<BrotliCompressionProviderOptions>(brotli => brotli.Level = CompressionLevel.Optimal);
        services.Configure<GzipCompressionProviderOptions>(gzip => gzip.Level = CompressionLevel.Optimal);
        return services;
    }

    /// <summary>Compresses the place names (/api/places) and the participant page (/p/{token}); nothing else made per request.</summary>
    public static IApplicationBuilder UsePublicCompression(this IApplicationBuilder app) =>
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/api/places") || http.Request.Path.StartsWithSegments("/p"),
            branch => branch.UseResponseCompression());

    /// <summary>A chunk whose name holds its content's hash never changes: a returning participant's browser keeps it.</summary>
    public static IApplicationBuilder UseImmutableChunks(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (HashedChunk().IsMatch(http.Request.Path.Value ?? ""))
        {
            http.Response.OnStarting(() =>
            {
                if (http.Response.StatusCode is StatusCodes.Status200OK or StatusCodes.Status304NotModified)
                    http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
                return Task.CompletedTask;
            });
        }
        await next();
    });
}
