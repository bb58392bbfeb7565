using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using SelfRef.Tests.Support;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Tests;

public class AccountCommandTests : IAsyncLifetime
{
    private readonly SelfRefFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private (int Exit, string Output, string Error) Account(string input, params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = CommandLine.Run(["account", .. args, "--db", _factory.DatabasePath], new StringReader(input), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task An_account_added_on_the_command_line_can_log_in_beside_the_first()
    {
        var added = Account("a-long-password-for-anna\n", "add", "anna", "--password-stdin");
        Assert.Equal(0, added.Exit);
        Assert.Contains("Added owner account 'anna' with the password from standard input.", added.Output);
        var generated = Account("", "add", "ben");
        Assert.Equal(0, generated.Exit);
        var benPassword = generated.Output.Split("with password: ")[1].Split('\n')[0].Trim();

        // The server then starts on the same database; with accounts there, it creates no first account of its own.
        var anna = await _factory.LoggedIn("anna", "a-long-password-for-anna");
        Assert.Contains("Logged in as <strong id=\"logged-in-as\">anna</strong>", await anna.GetStringAsync("/researcher"));
        await _factory.LoggedIn("ben", benPassword);
        Assert.Equal(["anna", "ben"], _factory.Store.Accounts().Select(a => a.Id));
        Assert.Contains("Log out", await (await _factory.LoggedIn("anna", "a-long-password-for-anna")).GetStringAsync("/researcher"));
    }

    [Fact]
    public void An_existing_name_is_refused_unless_reset()
    {
        Assert.Equal(0, Account("first-password-123\n", "add", "anna", "--password-stdin").Exit);
        var again = Account("second-password-123\n", "add", "anna", "--password-stdin");
        Assert.Equal(1, again.Exit);
        Assert.Contains("'anna' exists already; add --reset", again.Error);
        var reset = Account("second-password-123\n", "add", "anna", "--password-stdin", "--reset");
        Assert.Equal(0, reset.Exit);
        Assert.Contains("Reset the password of owner account 'anna'", reset.Output);
        var list = Account("", "list");
        Assert.Equal(0, list.Exit);
        Assert.StartsWith("anna ", list.Output);
    }

    [Fact]
    public void A_role_and_experiments_are_given_on_the_command_line_and_a_reset_keeps_them()
    {
        var added = Account("coder-password-123\n", "add", "carl", "--role", "coder", "--experiment", "gallup-pen", "--password-stdin");
        Assert.Equal(0, added.Exit);
        Assert.Contains("Added coder account 'carl'", added.Output);
        Assert.Contains("member of: gallup-pen", added.Output);
        Assert.Equal(0, Account("coder-password-456\n", "add", "carl", "--password-stdin", "--reset").Exit);
        Assert.Matches(@"carl\s+coder\s+active .* experiments: gallup-pen", Account("", "list").Output);
        var wrong = Account("", "add", "dora", "--role", "admin");
        Assert.Equal(2, wrong.Exit);
        Assert.Contains("--role must be one of owner, researcher, coder, viewer, not 'admin'", wrong.Error);
    }

    [Fact]
    public async Task With_the_server_running_the_verb_points_to_the_accounts_page()
    {
        await _factory.LoggedIn();
        var refused = Account("", "add", "erik");
        Assert.Equal(1, refused.Exit);
        Assert.Contains("in use by a running server: change accounts on its page /researcher/accounts", refused.Error);
    }

    [Fact]
    public void The_password_flag_does_not_take_the_name_after_it()
    {
        var added = Account("a-long-password-for-carla\n", "add", "--password-stdin", "carla");
        Assert.Equal(0, added.Exit);
        Assert.StartsWith("carla ", Account("", "list").Output);
    }

    [Theory]
    [InlineData("short\n", new[] { "add", "anna", "--password-stdin" }, "too short (5 characters; at least 10)")]
    [InlineData("", new[] { "add", "anna smith" }, "'anna smith' is not a valid user name")]
    [InlineData("", new[] { "remove", "anna" }, "use 'account add NAME")]
    [InlineData("", new[] { "add" }, "use 'account add NAME")]
    public void Bad_input_is_refused_with_the_reason(string input, string[] args, string reason)
    {
        var result = Account(input, args);
        Assert.NotEqual(0, result.Exit);
        Assert.Contains(reason, result.Error);
        Assert.Empty(result.Output);
    }
}

public class LoginLockOutTests : IAsyncLifetime
{
    private readonly ManualClock _clock = new();
    private readonly SelfRefFactory _factory;

    public LoginLockOutTests() => _factory = new SelfRefFactory { Time = _clock, ExtraServices = s => s.AddSingleton<IStartupFilter, ClientAddressFromHeader>() };

    /// <summary>The test server has no client addresses: requests name theirs in a header, for this test only.</summary>
    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, then) =>
            {
                if (http.Request.Headers["X-Test-Client"] is [{ } address]) http.Connection.RemoteIpAddress = IPAddress.Parse(address);
                return then(http);
            });
            next(app);
        };
    }

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task<HttpResponseMessage> Attempt(string user, string password, string address = "10.0.0.1")
    {
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Test-Client", address);
        var form = await client.GetStringAsync("/researcher/login");
        return await client.PostAsync("/researcher/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["user"] = user, ["password"] = password, ["__RequestVerificationToken"] = Researchers.Antiforgery(form),
        }));
    }

    private async Task<string> Fail(string user, string address = "10.0.0.1") => await (await Attempt(user, "not-the-password", address)).Content.ReadAsStringAsync();

    [Fact]
    public async Task Five_failures_lock_the_name_for_fifteen_minutes_even_with_the_right_password()
    {
        for (var i = 0; i < 4; i++) Assert.Contains("The user name or password is wrong.", await Fail("researcher"));
        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Contains("The user name or password is wrong.", await Fail("researcher"));

        var locked = await Attempt("researcher", SelfRefFactory.ResearcherPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        var page = await locked.Content.ReadAsStringAsync();
        Assert.Contains("Too many failed logins for this user name or from this address. Logging in is locked until 10:25 UTC", page);
        Assert.DoesNotContain("Log out", page);

        _clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Attempt("researcher", SelfRefFactory.ResearcherPassword)).StatusCode);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var released = await Attempt("researcher", SelfRefFactory.ResearcherPassword);
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Contains("Log out", await released.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Failures_spread_over_more_than_fifteen_minutes_do_not_lock()
    {
        for (var i = 0; i < 8; i++)
        {
            Assert.Contains("The user name or password is wrong.", await Fail("researcher"));
            _clock.Advance(TimeSpan.FromMinutes(4));
        }
        await _factory.LoggedIn();
    }

    [Fact]
    public async Task An_unknown_name_is_locked_in_the_same_words_as_a_real_one()
    {
        for (var i = 0; i < 5; i++) await Fail("nobody-by-this-name", "10.0.0.1");
        var unknown = await Fail("nobody-by-this-name", "10.0.0.1");
        for (var i = 0; i < 5; i++) await Fail("researcher", "10.0.0.2");
        var known = await Fail("researcher", "10.0.0.2");
        string Message(string page) => page[page.IndexOf("Too many", StringComparison.Ordinal)..page.IndexOf("</p>", page.IndexOf("Too many", StringComparison.Ordinal), StringComparison.Ordinal)];
        Assert.Equal(Message(known), Message(unknown));
    }

    [Fact]
    public async Task One_address_trying_many_names_is_locked_and_others_are_not()
    {
        foreach (var name in new[] { "admin", "root", "anna", "ben", "carla" }) await Fail(name, "10.0.0.9");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Attempt("researcher", SelfRefFactory.ResearcherPassword, "10.0.0.9")).StatusCode);
        var elsewhere = await Attempt("researcher", SelfRefFactory.ResearcherPassword, "10.0.0.10");
        Assert.Contains("Log out", await elsewhere.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_successful_login_forgets_the_names_earlier_failures()
    {
        for (var i = 0; i < 4; i++) await Fail("researcher", "10.0.0.1");
        Assert.Contains("Log out", await (await Attempt("researcher", SelfRefFactory.ResearcherPassword, "10.0.0.2")).Content.ReadAsStringAsync());
        // The name starts again from nothing: four more failures (from another address) do not lock it.
        for (var i = 0; i < 4; i++) Assert.Contains("The user name or password is wrong.", await Fail("researcher", "10.0.0.3"));
        Assert.Contains("Log out", await (await Attempt("researcher", SelfRefFactory.ResearcherPassword, "10.0.0.3")).Content.ReadAsStringAsync());
    }
}
