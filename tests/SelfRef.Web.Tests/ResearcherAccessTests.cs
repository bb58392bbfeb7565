using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using SelfRef.Tests.Support;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Tests;

/// <summary>
/// Every researcher endpoint and hub, found in the running app's routing table rather than
/// listed here, so that an endpoint added later without the login fails this test.
/// </summary>
public class ResearcherAccessTests : IAsyncLifetime
{
    private readonly SelfRefFactory _factory = new();
    private string _token = "", _sessionId = "";

    public async Task InitializeAsync()
    {
        _token = await _factory.Start("gallup-pen-keyboard");
        _sessionId = _factory.Store.FindSessionByToken(_token)!.Id;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    // Pages and endpoints a visitor may open without logging in.
    private static readonly HashSet<string> Public = new(["researcher/login", "/researcher/login"], StringComparer.OrdinalIgnoreCase);

    // Endpoints that take JSON (a form would be turned away by routing with 415 before the login is looked at).
    private readonly HashSet<string> _json = [];

    private IReadOnlyList<(string Method, string Path)> ResearcherRequests()
    {
        var endpoints = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();
        var requests = new List<(string, string)>();
        foreach (var endpoint in endpoints)
        {
            var pattern = endpoint.RoutePattern;
            var raw = pattern.RawText ?? "";
            var relative = raw.TrimStart('/');
            var researcher = relative.StartsWith("researcher", StringComparison.OrdinalIgnoreCase) || relative.StartsWith(ResearcherHub.Path.TrimStart('/'), StringComparison.OrdinalIgnoreCase);
            if (!researcher || Public.Contains(raw)) continue;
            var path = "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart parameter => Sample(parameter.Name),
                _ => "",
            }))));
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"];
            foreach (var method in methods) requests.Add((method, path));
            if (endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes.Contains("application/json") == true) _json.Add(path);
        }
        return requests.Distinct().ToList();
    }

    // Real values where a route names something, so that a request reaches what it would show.
    private string Sample(string parameter) => parameter switch
    {
        "id" or "experimentId" => "gallup-pen-keyboard",
        "sessionId" => _sessionId,
        "stepId" or "step" => "pen",
        "part" => "sheet",
        "format" => "png",
        _ => "x",
    };

    private async Task<HttpResponseMessage> Send(string method, string path, string? cookie)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        if (method != "GET")
            request.Content = _json.Contains(path.Split('?')[0])
                ? new StringContent($$"""{"session":"{{_token}}"}""", System.Text.Encoding.UTF8, "application/json")
                : new FormUrlEncodedContent(new Dictionary<string, string> { ["session"] = _token });
        return await client.SendAsync(request);
    }

    private static void AssertRefused(HttpResponseMessage response, string what)
    {
        var status = response.StatusCode;
        var toLogin = status == HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("/researcher/login");
        Assert.True(toLogin || status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden,
            $"{what} answered {(int)status} {response.Headers.Location}");
    }

    [Fact]
    public async Task Every_researcher_endpoint_refuses_an_anonymous_caller_and_a_participant()
    {
        var requests = ResearcherRequests();
        // The area has at least its dashboard, experiment, coding and agreement pages, files, logout and hub.
        Assert.True(requests.Count >= 15, $"only {requests.Count} researcher endpoints found: {string.Join(", ", requests)}");
        foreach (var (method, path) in requests)
        {
            AssertRefused(await Send(method, path, cookie: null), $"{method} {path} (anonymous)");
            AssertRefused(await Send(method, path + (path.Contains('?') ? "&" : "?") + $"session={_token}", $"selfref.gallup-pen-keyboard={_token}"),
                $"{method} {path} (participant)");
        }
    }

    [Fact]
    public async Task A_logged_in_researcher_gets_past_the_login_on_every_endpoint()
    {
        // The positive control: the refusals above come from the login, not from a wrong path.
        var cookie = await _factory.LoginCookie();
        foreach (var (method, path) in ResearcherRequests().Where(r => r.Method == "GET" && !r.Path.StartsWith("/hubs", StringComparison.Ordinal)))
        {
            var response = await Send(method, path, cookie);
            var toLogin = response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("/researcher/login");
            Assert.False(toLogin || response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{method} {path} refused a logged-in researcher ({(int)response.StatusCode})");
        }
    }

    [Fact]
    public async Task The_researcher_hub_refuses_an_anonymous_caller_and_a_participant()
    {
        foreach (var cookie in new[] { null, $"selfref.gallup-pen-keyboard={_token}" })
        {
            await using var hub = new HubConnectionBuilder()
                .WithUrl(new Uri(_factory.Server.BaseAddress, $"{ResearcherHub.Path}?session={_token}"), options =>
                {
                    options.HttpMessageHandlerFactory = _ => _factory.Server.CreateHandler();
                    options.Transports = HttpTransportType.LongPolling;
                    if (cookie is not null) options.Headers["Cookie"] = cookie;
                })
                .Build();
            var error = await Assert.ThrowsAnyAsync<Exception>(() => hub.StartAsync());
            Assert.Contains("401", error.Message);
        }
    }

    [Fact]
    public async Task No_researcher_hub_method_can_be_called_on_a_participant_connection()
    {
        var methods = typeof(ResearcherHub).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName).ToList();
        Assert.NotEmpty(methods);
        await using var hub = await _factory.Hub(_token);
        foreach (var method in methods)
        {
            var arguments = method.GetParameters().Select(p => p.ParameterType == typeof(string) ? (object?)"gallup-pen-keyboard" : null).ToArray();
            var error = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => hub.InvokeCoreAsync(method.Name, typeof(object), arguments));
            Assert.Contains("does not exist", error.Message);
        }
    }
}
