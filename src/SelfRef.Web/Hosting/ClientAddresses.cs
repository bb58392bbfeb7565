using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace SelfRef.Web.Hosting;

/// <summary>
/// Who the client is. Behind a reverse proxy every request comes from the proxy, and the client's
/// address and scheme arrive in X-Forwarded-For and X-Forwarded-Proto. Those headers are believed
/// only from the proxies and networks configured (<see cref="SelfRefOptions.KnownProxies"/>,
/// <see cref="SelfRefOptions.KnownNetworks"/>): anyone else could write any address into them and
/// so escape the start limit and the login lock-out. Nothing is trusted by default, not even
/// loopback (ASP.NET Core's own default), so configuration is the only source.
/// </summary>
public static class ClientAddresses
{
    private static readonly char[] Separators = [',', ';', ' ', '\t', '\n', '\r'];

    public static IServiceCollection AddClientAddresses(this IServiceCollection services)
    {
        // A list binds from JSON arrays and KnownProxies__0-style keys; one string ("a, b") is taken too,
        // which is what --SelfRef:KnownProxies=… and SelfRef__KnownProxies=… give.
        services.AddOptions<SelfRefOptions>().PostConfigure<IConfiguration>((settings, configuration) =>
        {
            if (configuration[$"{SelfRefOptions.Section}:{nameof(SelfRefOptions.KnownProxies)}"] is { } proxies) settings.KnownProxies.Add(proxies);
            if (configuration[$"{SelfRefOptions.Section}:{nameof(SelfRefOptions.KnownNetworks)}"] is { } networks) settings.KnownNetworks.Add(networks);
        });
        services.AddSingleton<IValidateOptions<SelfRefOptions>, ProxySettingsValidation>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<SelfRefOptions>>((forwarded, settings) =>
        {
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in Entries(settings.Value.KnownProxies)) forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in Entries(settings.Value.KnownNetworks)) forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            // With both lists empty the middleware would believe every sender: no proxy configured, no header read.
            forwarded.ForwardedHeaders = forwarded.KnownProxies.Count + forwarded.KnownIPNetworks.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // A chain of configured proxies (e.g. a load balancer in front of nginx) is walked back to
            // the first address that is not one of them: that is the client.
            forwarded.ForwardLimit = null;
        });
        return services;
    }

    /// <summary>Applies the forwarded headers of configured proxies; first in the pipeline, so everything after sees the client.</summary>
    public static IApplicationBuilder UseClientAddresses(this IApplicationBuilder app)
    {
        app.UseForwardedHeaders();
        var log = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ClientAddresses).FullName!);
        var warned = new ConcurrentDictionary<string, bool>();
        // A forwarded header that was not applied (no X-Original-For) came from a sender not
        // configured as a proxy. If that is the deployment's own proxy, every participant counts as
        // its one address; say so once per sender instead of leaving a puzzle.
        return app.Use((http, next) =>
        {
            if (http.Request.Headers.ContainsKey("X-Forwarded-For") && !http.Request.Headers.ContainsKey("X-Original-For")
                && http.Connection.RemoteIpAddress?.ToString() is { } sender && warned.Count < 100 && warned.TryAdd(sender, true))
                log.LogWarning("Ignored X-Forwarded-For from {Sender}, which is not a configured proxy (SelfRef:KnownProxies, SelfRef:KnownNetworks). " +
                    "If your reverse proxy runs there, configure it: otherwise every participant behind it counts as this one address for the start limit and the login lock-out.", sender);
            return next(http);
        });
    }

    /// <summary>
    /// The key a client is counted under: its IPv4 address, or the /64 network of an IPv6 address
    /// (one household or device gets a whole /64 and can pick any address in it).
    /// </summary>
    public static string Key(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>The entries of a list setting, each item of which may hold several, separated by commas or spaces.</summary>
    public static IEnumerable<string> Entries(IEnumerable<string?> list) =>
        list.SelectMany(item => (item ?? "").Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>Checks the proxy settings when the server starts, naming the setting and the entry that is wrong.</summary>
    private sealed class ProxySettingsValidation : IValidateOptions<SelfRefOptions>
    {
        public ValidateOptionsResult Validate(string? name, SelfRefOptions options)
        {
            var problems = new List<string>();
            foreach (var proxy in Entries(options.KnownProxies))
                if (!IPAddress.TryParse(proxy, out _))
                    problems.Add($"{SelfRefOptions.Section}:KnownProxies: '{proxy}' is not an IP address (e.g. 10.0.0.5 or fd00::5)");
            foreach (var network in Entries(options.KnownNetworks))
                if (!System.Net.IPNetwork.TryParse(network, out _))
                    problems.Add($"{SelfRefOptions.Section}:KnownNetworks: '{network}' is not a network in CIDR notation (an address and a prefix length, e.g. 10.0.0.0/8 or fd00::/8)");
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
