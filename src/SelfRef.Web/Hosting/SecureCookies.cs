using Microsoft.Extensions.Options;

namespace SelfRef.Web.Hosting;

/// <summary>
/// Cookies (the participant's resume cookie, the researcher's login and anti-forgery cookies) are
/// marked Secure whenever the public address is https, also when TLS ends at a reverse proxy that
/// talks plain http to this server; otherwise whenever the request itself came over https (or a
/// configured proxy says it did, see <see cref="ClientAddresses"/>).
/// </summary>
public static class SecureCookies
{
    public static IServiceCollection AddSecureCookies(this IServiceCollection services)
    {
        services.AddOptions<CookiePolicyOptions>().Configure<IOptions<SelfRefOptions>>((policy, settings) =>
            policy.Secure = IsHttps(settings.Value.PublicUrl) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest);
        return services;
    }

    public static bool IsHttps(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;
}
