using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using SelfRef.Tests.Support;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Tests;

/// <summary>
/// Behind a reverse proxy the client's address comes from X-Forwarded-For, but only when a
/// configured proxy sent it: anyone else could write any address there and walk past the start
/// limit and the login lock-out.
/// </summary>
public class ClientAddressTests
{
    private const string Experiment = "gallup-pen";
    private const string Proxy = "10.0.0.5";

    private static SelfRefFactory Server(params (string Key, string Value)[] settings) => new()
    {
        Settings = new Dictionary<string, string>(settings.Select(s => KeyValuePair.Create(s.Key, s.Value)))
        {
            ["SelfRef:StartsPerAddress"] = "2",
            ["SelfRef:StartsPerAddressPerHour"] = "1",
        },
        ExtraServices = services => services.AddSingleton<IStartupFilter, PeerAddress>(),
    };

    /// <summary>A browser whose requests arrive from <paramref name="sender"/>, saying they were forwarded for <paramref name="forwardedFor"/>.</summary>
    private static HttpClient Via(SelfRefFactory factory, string sender, string? forwardedFor = null, string? proto = null, bool cookies = false)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = cookies });
        client.DefaultRequestHeaders.Add(PeerAddress.Header, sender);
        if (forwardedFor is not null) client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        if (proto is not null) client.DefaultRequestHeaders.Add("X-Forwarded-Proto", proto);
        return client;
    }

    private static async Task<HttpStatusCode> Start(HttpClient client) => (await client.GetAsync($"/s/{Experiment}")).StatusCode;

    [Fact]
    public async Task A_configured_proxys_forwarded_address_is_the_client_the_start_limit_counts()
    {
        await using var factory = Server(("SelfRef:KnownProxies", Proxy));
        var anna = Via(factory, Proxy, "203.0.113.7");
        Assert.Equal(HttpStatusCode.Redirect, await Start(anna));
        Assert.Equal(HttpStatusCode.Redirect, await Start(anna));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Start(anna));
        // Another participant through the same proxy is another client.
        Assert.Equal(HttpStatusCode.Redirect, await Start(Via(factory, Proxy, "203.0.113.8")));
        // A chain: the client wrote an address of its own in front; the proxy appended the real one.
        Assert.Equal(HttpStatusCode.TooManyRequests, await Start(Via(factory, Proxy, "198.51.100.99, 203.0.113.7")));
    }

    [Fact]
    public async Task A_proxy_in_a_configured_network_is_believed_too()
    {
        await using var factory = Server(("SelfRef:KnownNetworks", "10.1.0.0/16"));
        var anna = Via(factory, "10.1.7.7", "203.0.113.7");
        Assert.Equal(HttpStatusCode.Redirect, await Start(anna));
        Assert.Equal(HttpStatusCode.Redirect, await Start(anna));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Start(anna));
        Assert.Equal(HttpStatusCode.Redirect, await Start(Via(factory, "10.1.200.3", "203.0.113.8")));
    }

    [Fact]
    public async Task An_unconfigured_senders_forwarded_header_is_ignored()
    {
        await using var factory = Server(("SelfRef:KnownProxies", Proxy));
        // A script that writes a new address into every request is still counted as itself.
        Assert.Equal(HttpStatusCode.Redirect, await Start(Via(factory, "198.51.100.9", "203.0.113.1")));
        Assert.Equal(HttpStatusCode.Redirect, await Start(Via(factory, "198.51.100.9", "203.0.113.2")));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Start(Via(factory, "198.51.100.9", "203.0.113.3")));
        // Nor is loopback believed once a proxy is configured (ASP.NET Core's own default trusts it).
        foreach (var sender in new[] { "127.0.0.1", "::1" })
        {
            Assert.Equal(HttpStatusCode.Redirect, await Start(Via(factory, sender, "203.0.113.11")));
            Assert.Equal(HttpStatusCode.Redirect, await Start(Via(factory, sender, "203.0.113.12")));
            Assert.Equal(HttpStatusCode.TooManyRequests, await Start(Via(factory, sender, "203.0.113.13")));
        }
    }

    [Fact]
    public async Task Nothing_is_trusted_by_default_not_even_loopback()
    {
        await using var factory = Server();
        foreach (var sender in new[] { "127.0.0.1", "::1" })
        {
            Assert.Equal(HttpStatusCode.Redirect, await Start(Via(factory, sender, "203.0.113.1")));
            Assert.Equal(HttpStatusCode.Redirect, await Start(Via(factory, sender, "203.0.113.2")));
            Assert.Equal(HttpStatusCode.TooManyRequests, await Start(Via(factory, sender, "203.0.113.3")));
        }
    }

    [Fact]
    public async Task The_scheme_comes_from_a_configured_proxy_only()
    {
        await using var factory = Server(("SelfRef:KnownProxies", Proxy));
        static async Task<string> ResumeCookie(HttpClient client) =>
            (await client.GetAsync($"/s/{Experiment}")).Headers.GetValues("Set-Cookie").Single(c => c.StartsWith($"selfref.{Experiment}="));
        Assert.Contains("secure", await ResumeCookie(Via(factory, Proxy, "203.0.113.7", "https")));
        Assert.DoesNotContain("secure", await ResumeCookie(Via(factory, "198.51.100.9", "203.0.113.8", "https")));
    }

    [Fact]
    public async Task IPv6_clients_are_counted_by_their_64_network()
    {
        await using var factory = Server();
        Assert.Equal(HttpStatusCode.Redirect, await Start(Via(factory, "2001:db8:1:2::1")));
        Assert.Equal(HttpStatusCode.Redirect, await Start(Via(factory, "2001:db8:1:2:ffff::9")));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Start(Via(factory, "2001:db8:1:2:abcd::3")));
        Assert.Equal(HttpStatusCode.Redirect, await Start(Via(factory, "2001:db8:1:3::1")));
        Assert.Equal("203.0.113.7", ClientAddresses.Key(IPAddress.Parse("::ffff:203.0.113.7")));
    }

    private static async Task<HttpResponseMessage> Login(HttpClient client, string user, string password)
    {
        var form = await (await client.GetAsync("/researcher/login")).Content.ReadAsStringAsync();
        return await client.PostAsync("/researcher/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["user"] = user, ["password"] = password, ["__RequestVerificationToken"] = Researchers.Antiforgery(form),
        }));
    }

    [Fact]
    public async Task The_login_lock_out_sees_the_client_behind_a_configured_proxy()
    {
        await using var factory = Server(("SelfRef:KnownProxies", Proxy));
        var guesser = Via(factory, Proxy, "203.0.113.66", cookies: true);
        // Five wrong passwords for five names: the address, not a name, reaches the limit.
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.OK, (await Login(guesser, $"guess{i}", "wrong-password")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Login(guesser, "researcher", SelfRefFactory.ResearcherPassword)).StatusCode);

        // The researcher behind the same proxy is another client and logs in.
        var researcher = Via(factory, Proxy, "203.0.113.10", cookies: true);
        var response = await Login(researcher, "researcher", SelfRefFactory.ResearcherPassword);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Fact]
    public async Task Without_the_proxy_configured_the_lock_out_counts_the_sender_whatever_its_header_says()
    {
        await using var factory = Server();
        for (var i = 0; i < 5; i++)
            await Login(Via(factory, "198.51.100.9", $"203.0.113.{i}", cookies: true), $"guess{i}", "wrong-password");
        var response = await Login(Via(factory, "198.51.100.9", "203.0.113.200", cookies: true), "researcher", SelfRefFactory.ResearcherPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
    }

    [Theory]
    [InlineData("SelfRef:KnownProxies", "10.0.0.300", "'10.0.0.300' is not an IP address")]
    [InlineData("SelfRef:KnownNetworks", "10.0.0.0", "'10.0.0.0' is not a network in CIDR notation")]
    [InlineData("SelfRef:KnownNetworks", "10.0.0.0/33", "'10.0.0.0/33' is not a network in CIDR notation")]
    [InlineData("SelfRef:KnownProxies:1", "proxy.example.org", "'proxy.example.org' is not an IP address")]
    [InlineData("SelfRef:StartsPerAddressPerHour", "0", "StartsPerAddressPerHour")]
    public void A_wrong_setting_is_refused_naming_it(string key, string value, string message)
    {
        // The server's own registrations (Program.cs validates SelfRefOptions on start), without a
        // host: a host that fails to start keeps its database file open until the process ends.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOptions<SelfRefOptions>().BindConfiguration(SelfRefOptions.Section).ValidateDataAnnotations();
        services.AddClientAddresses();
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SelfRefOptions>>().Value);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("SelfRef:KnownProxies", " 10.0.0.5,10.0.0.6  fd00::5 ")]
    [InlineData("SelfRef:KnownProxies:0", "10.0.0.5")]
    public void Proxies_are_a_list_or_one_comma_separated_string(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [key] = value,
            ["SelfRef:KnownProxies:1"] = key.EndsWith(":0") ? "10.0.0.6, fd00::5" : null,
        }.Where(e => e.Value is not null)).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOptions<SelfRefOptions>().BindConfiguration(SelfRefOptions.Section);
        services.AddClientAddresses();
        using var provider = services.BuildServiceProvider();
        var forwarded = provider.GetRequiredService<IOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>>().Value;
        Assert.Equal(["10.0.0.5", "10.0.0.6", "fd00::5"], forwarded.KnownProxies.Select(p => p.ToString()));
        Assert.Empty(forwarded.KnownIPNetworks);
    }
}
