using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using SelfRef.Core.Accounts;
using SelfRef.Core.Coding;
using SelfRef.Tests.Support;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Tests;

/// <summary>
/// Which role may reach which researcher endpoint: one table, checked against the routing table
/// (an endpoint added without an entry fails) and then by requests as every role.
/// </summary>
public class RoleAccessTests : IAsyncLifetime
{
    /// <summary>
    /// The decision for every researcher endpoint and method. A new endpoint needs a line here
    /// (and a policy in its mapping); the test below names the one that has none.
    /// </summary>
    private static readonly Dictionary<string, string> Expected = new(StringComparer.Ordinal)
    {
        ["GET /researcher"] = Policies.Account,
        ["POST /researcher"] = Policies.Account,
        ["GET /researcher/index"] = Policies.Account,
        ["POST /researcher/index"] = Policies.Account,
        ["POST /researcher/logout"] = Policies.Account,
        ["GET /researcher/password"] = Policies.Account,
        ["POST /researcher/password"] = Policies.Account,
        ["GET /researcher/accounts"] = Policies.Owner,
        ["POST /researcher/accounts"] = Policies.Owner,
        ["GET /researcher/coding"] = Policies.Coding,
        ["POST /researcher/coding"] = Policies.Coding,
        ["GET /researcher/experiments/new"] = Policies.Researcher,
        ["POST /researcher/experiments/new"] = Policies.Researcher,
        ["GET /researcher/experiments/{id}/edit"] = Policies.Researcher,
        ["POST /researcher/experiments/{id}/edit"] = Policies.Researcher,
        ["GET /researcher/editor/schema.json"] = Policies.Researcher,
        ["GET /researcher/editor/templates"] = Policies.Researcher,
        ["GET /researcher/experiments/{id}/source"] = Policies.Researcher,
        ["POST /researcher/editor/check"] = Policies.Researcher,
        ["POST /researcher/editor/save"] = Policies.Researcher,
        ["GET /researcher/experiments/{id}/sessions"] = Policies.Viewing,
        ["POST /researcher/experiments/{id}/sessions"] = Policies.Viewing,
        ["GET /researcher/experiments/{id}"] = Policies.Viewing,
        ["POST /researcher/experiments/{id}"] = Policies.Researcher,
        ["GET /researcher/experiments/{id}/live-report"] = Policies.Viewing,
        ["POST /researcher/experiments/{id}/live-report"] = Policies.Viewing,
        ["GET /researcher/experiments/{id}/report"] = Policies.Viewing,
        ["GET /researcher/experiments/{id}/outcomes.csv"] = Policies.Researcher,
        ["GET /researcher/experiments/{id}/export"] = Policies.Researcher,
        ["POST /researcher/experiments/{id}/export"] = Policies.Owner,
        ["GET /researcher/experiments/{id}/export/confirm"] = Policies.Owner,
        ["POST /researcher/experiments/{id}/export/confirm"] = Policies.Owner,
        ["POST /researcher/experiments/{id}/status"] = Policies.Researcher,
        ["GET /researcher/experiments/{id}/preview"] = Policies.Researcher,
        ["GET /researcher/experiments/{id}/agreement"] = Policies.Researcher,
        ["POST /researcher/experiments/{id}/agreement"] = Policies.Researcher,
        ["GET /researcher/experiments/{id}/adjudication"] = Policies.Owner,
        ["POST /researcher/experiments/{id}/adjudication"] = Policies.Owner,
        ["GET /researcher/experiments/{id}/coding"] = Policies.Coding,
        ["POST /researcher/experiments/{id}/coding"] = Policies.Coding,
        ["GET /researcher/experiments/{id}/coding/next"] = Policies.Coding,
        ["POST /researcher/experiments/{id}/coding/codes"] = Policies.Coding,
        ["POST /researcher/experiments/{id}/coding/undo"] = Policies.Coding,
        ["GET /researcher/sessions/{id}"] = Policies.Researcher,
        ["POST /researcher/sessions/{id}"] = Policies.Researcher,
        ["GET /researcher/sessions/{sessionId}/steps/{stepId}/replay"] = Policies.Researcher,
        ["POST /researcher/sessions/{sessionId}/steps/{stepId}/replay"] = Policies.Researcher,
        ["GET /researcher/sessions/{sessionId}/steps/{stepId}/{part:regex(^(sheet|first-word)$)}.{format:regex(^(png|svg)$)}"] = Policies.Coding,
        ["GET /researcher/sessions/{sessionId}/steps/{stepId}/{data}.json"] = Policies.Coding,
        ["GET /hubs/researcher"] = Policies.Viewing,
        ["POST /hubs/researcher"] = Policies.Viewing,
        ["GET /hubs/researcher/negotiate"] = Policies.Viewing,
        ["POST /hubs/researcher/negotiate"] = Policies.Viewing,
    };

    private readonly SelfRefFactory _factory = new();
    private string _sessionId = "", _otherSessionId = "";
    private const string Experiment = "gallup-pen", Other = "gallup-pen-keyboard";

    public async Task InitializeAsync()
    {
        _sessionId = await _factory.Participant(Experiment, "Anna", "Berg");
        _otherSessionId = _factory.Store.FindSessionByToken(await _factory.Start(Other))!.Id;
        var accounts = _factory.Services.GetRequiredService<ResearcherAccounts>();
        foreach (var (name, role) in new[] { ("res", Role.Researcher), ("cod", Role.Coder), ("view", Role.Viewer) })
            await accounts.Create(name, Password, role, [Experiment]);
        await accounts.Create("stranger", Password, Role.Researcher, [Other]);
        // Another coder's code, which no response to a coder may contain.
        await _factory.Services.GetRequiredService<SelfRef.Core.Sessions.SessionService>().SaveCode(new CoderCode
        {
            ExperimentId = Experiment, SessionId = _sessionId, StepId = "pen", Coder = "res", Value = CodeValue.Unreadable, At = DateTime.UtcNow, Note = "NOTE-OF-RES",
        });
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private const string Password = "role-test-password";

    // Pages' conventional routes are spelled after their files ("Researcher/Index"); paths match ignoring case.
    private static string Key(string method, RouteEndpoint endpoint)
    {
        var raw = endpoint.RoutePattern.RawText!.TrimStart('/');
        return $"{method} /{(raw.StartsWith("Researcher", StringComparison.Ordinal) ? raw.ToLowerInvariant() : raw)}";
    }

    private IReadOnlyList<(string Key, string Method, RouteEndpoint Endpoint)> ResearcherEndpoints() =>
        _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.TrimStart('/').StartsWith("researcher", StringComparison.OrdinalIgnoreCase) || raw.TrimStart('/').StartsWith("hubs/researcher", StringComparison.OrdinalIgnoreCase)))
            .Where(e => !e.RoutePattern.RawText!.TrimStart('/').Equals("researcher/login", StringComparison.OrdinalIgnoreCase))
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"]).Select(m => (Key(m, e), m, e)))
            .DistinctBy(e => e.Item1)
            .ToList();

    /// <summary>The policy an endpoint asks for with this method: a page's POST policy for its forms, else the named policy of its authorization.</summary>
    private static string? PolicyOf(string method, RouteEndpoint endpoint)
    {
        if (method == "POST" && endpoint.Metadata.GetMetadata<PostPolicyAttribute>() is { } post) return post.Policy;
        var named = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).Where(p => !string.IsNullOrEmpty(p)).OfType<string>().Distinct().ToList();
        return named.Count == 1 ? named[0] : named.Count == 0 ? null : string.Join("+", named);
    }

    [Fact]
    public void Every_researcher_endpoint_has_a_decided_policy_and_it_is_the_one_in_the_table()
    {
        var endpoints = ResearcherEndpoints();
        var problems = new List<string>();
        foreach (var (key, method, endpoint) in endpoints)
        {
            var policy = PolicyOf(method, endpoint);
            if (!Expected.TryGetValue(key, out var expected)) problems.Add($"{key} has no entry in the access table (its policy now: {policy ?? "none"}); decide which role may use it");
            else if (policy != expected) problems.Add($"{key} asks for policy '{policy ?? "none"}', the table says '{expected}'");
        }
        foreach (var key in Expected.Keys.Except(endpoints.Select(e => e.Key)))
            problems.Add($"{key} is in the table but not in the routing table");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private string Sample(string parameter, string raw) => parameter switch
    {
        "id" when raw.TrimStart('/').StartsWith("researcher/sessions", StringComparison.Ordinal) => _sessionId,
        "id" => Experiment,
        "sessionId" => _sessionId,
        "stepId" => "pen",
        "part" => "first-word",
        "format" => "svg",
        "data" => "strokes",
        _ => "x",
    };

    private string PathOf(RouteEndpoint endpoint) =>
        "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            RoutePatternParameterPart parameter => Sample(parameter.Name, endpoint.RoutePattern.RawText!),
            _ => "",
        }))));

    private sealed record Login(string Cookie, string Token);

    /// <summary>A login's cookie plus a form token for it (from its own password page), so that a refused POST is refused by its role, not by a missing token.</summary>
    private async Task<Login> LogIn(string user, string password)
    {
        var cookie = await _factory.LoginCookie(user, password);
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        var request = new HttpRequestMessage(HttpMethod.Get, "/researcher/password");
        request.Headers.Add("Cookie", cookie);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var antiforgery = response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Where(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        return new Login(string.Join("; ", antiforgery.Prepend(cookie)), Researchers.Antiforgery(await response.Content.ReadAsStringAsync()));
    }

    private async Task<HttpResponseMessage> Send(string method, string path, Login login, RouteEndpoint? endpoint = null)
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("Cookie", login.Cookie);
        if (method != "GET")
        {
            request.Headers.Add("RequestVerificationToken", login.Token);
            // What the endpoint takes (another kind is turned away by routing as 415 before any role is looked at): JSON, else a form with the token.
            var json = endpoint?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes.Contains("application/json") == true;
            request.Content = json
                ? new StringContent("{}", System.Text.Encoding.UTF8, "application/json")
                : new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = login.Token });
        }
        return await client.SendAsync(request);
    }

    private static bool Refused(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized
        || (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("/researcher/login"));

    [Theory]
    [InlineData("researcher", Role.Owner)]
    [InlineData("res", Role.Researcher)]
    [InlineData("cod", Role.Coder)]
    [InlineData("view", Role.Viewer)]
    public async Task Each_role_reaches_exactly_the_endpoints_the_table_gives_it(string user, Role role)
    {
        var login = await LogIn(user, user == "researcher" ? SelfRefFactory.ResearcherPassword : Password);
        var wrong = new List<string>();
        // Logging out ends nothing server-side (the cookie stays valid) but is left to the last.
        foreach (var (key, method, endpoint) in ResearcherEndpoints().OrderBy(e => e.Key.EndsWith("/logout", StringComparison.Ordinal)))
        {
            var allowed = Policies.RolesOf[Expected[key]].Contains(role);
            var response = await Send(method, PathOf(endpoint), login, endpoint);
            // Logging out answers with the way to the login page: that is its success.
            var refused = key.EndsWith("/logout", StringComparison.Ordinal) ? response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized : Refused(response);
            if (refused == allowed) wrong.Add($"{key}: {(allowed ? "refused" : "answered")} {(int)response.StatusCode} for a {role.Name()}");
            if (!allowed && response.StatusCode == HttpStatusCode.Forbidden && !key.Contains("/hubs/", StringComparison.Ordinal) && !key.EndsWith(".json", StringComparison.Ordinal))
                Assert.Contains("Not for your account", await response.Content.ReadAsStringAsync());
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public async Task A_researcher_who_is_no_member_of_an_experiment_cannot_reach_it_or_its_sessions()
    {
        var login = await LogIn("stranger", Password);
        foreach (var path in new[]
        {
            $"/researcher/experiments/{Experiment}", $"/researcher/experiments/{Experiment}/outcomes.csv", $"/researcher/experiments/{Experiment}/export",
            $"/researcher/experiments/{Experiment}/coding", $"/researcher/sessions/{_sessionId}", $"/researcher/sessions/{_sessionId}/steps/pen/sheet.svg",
        })
            Assert.Equal(HttpStatusCode.Forbidden, (await Send("GET", path, login)).StatusCode);
        // Their own experiment answers, and the dashboard lists only it.
        Assert.Equal(HttpStatusCode.OK, (await Send("GET", $"/researcher/experiments/{Other}", login)).StatusCode);
        var dashboard = await (await Send("GET", "/researcher", login)).Content.ReadAsStringAsync();
        Assert.Contains($"id=\"experiment-{Other}\"", dashboard);
        Assert.DoesNotContain($"id=\"experiment-{Experiment}\"", dashboard);
    }

    [Fact]
    public async Task No_response_a_coder_can_get_contains_another_coders_code_or_note()
    {
        var login = await LogIn("cod", Password);
        var paths = ResearcherEndpoints().Where(e => e.Method == "GET").Select(e => PathOf(e.Endpoint))
            .Concat([$"/researcher/experiments/{Experiment}/coding?session={_sessionId}&step=pen", $"/researcher/experiments/{Experiment}/coding/next"]);
        foreach (var path in paths)
        {
            var response = await Send("GET", path, login);
            var body = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("NOTE-OF-RES", body);
            Assert.DoesNotContain("unreadable", body.Replace("Unreadable <kbd>", "").Replace("unreadable, <kbd>", "").Replace("<kbd>3</kbd> unreadable", ""), StringComparison.Ordinal);
        }
        // The coder's own queue offers the answer, without the other code.
        var next = await (await Send("GET", $"/researcher/experiments/{Experiment}/coding/next", login)).Content.ReadAsStringAsync();
        Assert.Contains(_sessionId, next);
        Assert.Contains("\"yourCode\":null", next);
    }

    [Fact]
    public async Task A_disabled_account_and_a_reset_password_end_open_logins()
    {
        var accounts = _factory.Services.GetRequiredService<ResearcherAccounts>();
        var login = await LogIn("view", Password);
        Assert.Equal(HttpStatusCode.OK, (await Send("GET", "/researcher", login)).StatusCode);
        await accounts.SetDisabled("view", true);
        Assert.True(Refused(await Send("GET", "/researcher", login)), "a disabled account's login still works");
        await accounts.SetDisabled("view", false);
        login = await LogIn("view", Password);
        await accounts.SetPassword("view", "another-password-1");
        Assert.True(Refused(await Send("GET", "/researcher", login)), "a login survived its password reset");
        await Assert.ThrowsAsync<AccountException>(() => accounts.SetDisabled("researcher", true));
        await Assert.ThrowsAsync<AccountException>(() => accounts.SetRole("researcher", Role.Viewer, []));
    }
}
