using System.Net;
using System.Text.RegularExpressions;
using SelfRef.Tests.Support;

namespace SelfRef.Web.Tests;

public partial class ResearcherAreaTests : IAsyncLifetime
{
    private readonly SelfRefFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private async Task<HttpResponseMessage> LogIn(HttpClient client, string password)
    {
        var form = await client.GetStringAsync("/researcher/login");
        var antiforgery = AntiforgeryField().Match(form).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(antiforgery), "the login form carries no anti-forgery token");
        return await client.PostAsync("/researcher/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["user"] = "researcher", ["password"] = password, ["__RequestVerificationToken"] = antiforgery,
        }));
    }

    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_the_login()
    {
        var response = await _factory.Browser().GetAsync("/researcher");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("http://localhost/researcher/login", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_participant_token_opens_no_researcher_page()
    {
        var token = await _factory.Start();
        var request = new HttpRequestMessage(HttpMethod.Get, "/researcher");
        request.Headers.Add("Cookie", $"selfref.gallup-pen={token}");
        var response = await _factory.Browser().SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/researcher/login", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_wrong_password_is_refused()
    {
        var client = _factory.CreateClient();
        var response = await LogIn(client, "wrong");
        Assert.Contains("wrong", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await _factory.Browser().GetAsync("/researcher")).StatusCode);
    }

    [Fact]
    public async Task A_login_without_the_anti_forgery_token_is_rejected()
    {
        var response = await _factory.CreateClient().PostAsync("/researcher/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["user"] = "researcher", ["password"] = SelfRefFactory.ResearcherPassword,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task The_researcher_logs_in_and_sees_the_experiments_with_their_counts()
    {
        await _factory.Start("gallup-map");
        var completed = await _factory.Start("gallup-map");
        foreach (var step in new[] { "consent", "intro", "map" }) await _factory.Advance(completed, step);
        await _factory.Advance(completed, "about-you", new { hometown = "Köln", age = "40" });
        var declined = await _factory.Start("gallup-map");
        await _factory.Browser().PostAsync($"/api/p/{declined}/decline", null);

        var client = _factory.CreateClient();
        var response = await LogIn(client, SelfRefFactory.ResearcherPassword);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        foreach (var id in new[] { "gallup-pen", "gallup-map", "gallup-replication" }) Assert.Contains(id, page);
        var card = Regex.Match(page, "<section class=\"experiment-card\" id=\"experiment-gallup-map\".*?</section>", RegexOptions.Singleline).Value;
        int Count(string name) => int.Parse(Regex.Match(card, $"data-count=\"{name}\">(\\d+)<").Groups[1].Value);
        Assert.Equal([3, 1, 1, 1, 0], new[] { Count("started"), Count("active"), Count("completed"), Count("declined"), Count("abandoned") });
        Assert.Contains("data-field=\"target\">500<", card);
        // The completed participant reached every step; the one still on the consent page is there now.
        Assert.Contains("data-cell=\"consent|default\">1 / 2<", card);
        Assert.Contains("data-cell=\"debrief|default\">0 / 1<", card);
        Assert.Contains("Logged in as <strong id=\"logged-in-as\">researcher</strong>", page);
    }

    [Fact]
    public async Task Logging_out_needs_the_forms_anti_forgery_token()
    {
        var client = await _factory.LoggedIn();
        var page = await client.GetStringAsync("/researcher");
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/researcher/logout", null)).StatusCode);
        Assert.Contains("Log out", await client.GetStringAsync("/researcher"));

        var form = Regex.Match(page, "<form method=\"post\" action=\"/researcher/logout\".*?</form>", RegexOptions.Singleline).Value;
        var response = await client.PostAsync("/researcher/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = Researchers.Antiforgery(form) }));
        Assert.Equal("/researcher/login", response.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal(HttpStatusCode.Redirect, (await _factory.Browser().GetAsync("/researcher")).StatusCode);
        Assert.DoesNotContain("Log out", await client.GetStringAsync("/researcher/login"));
    }
}
