using SelfRef.Core.Accounts;
using SelfRef.EndToEnd.Tests.Support;
using SelfRef.Tests.Support;
using SelfRef.Web.Researcher;

namespace SelfRef.EndToEnd.Tests;

/// <summary>Accounts and roles in the browser, and blind double coding with adjudication, as the people involved do it.</summary>
public class RolesAndCodingTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static async Task<IPage> LogIn(IBrowserContext context, string user, string password)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/researcher/login");
        await page.GetByLabel("User name").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#logged-in-as")).ToHaveTextAsync(user);
        return page;
    }

    private async Task Coder(string name, string password) =>
        await fixture.Server.Services.GetRequiredService<ResearcherAccounts>().Create(name, password, Role.Coder, ["gallup-pen"]);

    [Fact]
    public async Task An_owner_adds_a_coder_in_the_browser_who_then_cannot_reach_exports_agreement_or_adjudication()
    {
        await using var owner = await fixture.NewContext();
        var page = await owner.OpenDashboard();
        await page.GetByRole(AriaRole.Link, new() { Name = "Accounts" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Accounts", Exact = true })).ToBeVisibleAsync();
        await page.AssertNoSeriousAccessibilityProblem("accounts page");
        var add = page.Locator("form.add-account");
        await add.GetByLabel("User name").FillAsync("carla");
        await add.GetByLabel("Role").SelectOptionAsync("coder");
        await add.GetByLabel("Password").FillAsync("carla-password-1");
        await add.GetByRole(AriaRole.Checkbox, new() { Name = "gallup-pen", Exact = true }).CheckAsync();
        await add.GetByRole(AriaRole.Button, new() { Name = "Add account" }).ClickAsync();
        await Assertions.Expect(page.Locator("#account-done")).ToContainTextAsync("Added coder account 'carla' with the password you typed.");
        await Assertions.Expect(page.Locator("#acct-" + Convert.ToHexString("carla"u8).ToLowerInvariant())).ToContainTextAsync("coder");
        await page.AssertNoSeriousAccessibilityProblem("accounts page after adding");
        Assert.Equal(Role.Coder, fixture.Server.Store.FindAccount("carla")!.Role);

        // The coder logs in and lands on their queues; what is not theirs answers 403.
        await using var coder = await fixture.NewContext();
        var coding = await LogIn(coder, "carla", "carla-password-1");
        Assert.EndsWith("/researcher/coding", coding.Url);
        await Assertions.Expect(coding.GetByRole(AriaRole.Heading, new() { Name = "Your coding queues" })).ToBeVisibleAsync();
        await coding.AssertNoSeriousAccessibilityProblem("coder's queues");
        Assert.Equal(0, await coding.GetByRole(AriaRole.Link, new() { Name = "Accounts" }).CountAsync());
        foreach (var path in new[] { "export?format=csv", "outcomes.csv", "agreement", "adjudication", "export/confirm?format=csv", "" })
        {
            var response = await coder.APIRequest.GetAsync($"/researcher/experiments/gallup-pen/{path}".TrimEnd('/'));
            Assert.True(response.Status == 403, $"{path}: a coder got {response.Status}");
        }
        var accounts = await coder.APIRequest.GetAsync("/researcher/accounts");
        Assert.Equal(403, accounts.Status);

        // Everyone changes their own password.
        var password = await coding.GotoAsync("/researcher/password");
        Assert.Equal(200, password!.Status);
        await coding.GetByLabel("Current password").FillAsync("carla-password-1");
        await coding.GetByLabel("New password (10 characters or more)").FillAsync("carla-password-2");
        await coding.GetByLabel("New password again").FillAsync("carla-password-2");
        await coding.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(coding.Locator("#password-done")).ToBeVisibleAsync();
        await coding.AssertNoSeriousAccessibilityProblem("password page");
        Assert.True(fixture.Server.Services.GetRequiredService<ResearcherAccounts>().Verify("carla", "carla-password-2"));
    }

    [Fact]
    public async Task Two_coders_code_blind_and_an_owner_adjudicates_their_disagreement_which_the_report_states()
    {
        var token = await HandwritingOverHttp.Participant(fixture.BaseUrl, "gallup-pen", "Anna", "Berg");
        var session = fixture.Server.Store.FindSessionByToken(token)!.Id;
        await Coder("dora", "dora-password-1");
        await Coder("emil", "emil-password-1");

        // The first coder: the answer, then a code by key; the next state comes without a reload.
        await using var first = await fixture.NewContext();
        var dora = await LogIn(first, "dora", "dora-password-1");
        // Other tests of this class add answers to the same study: this one is opened by its address.
        await dora.GotoAsync($"/researcher/experiments/gallup-pen/coding?session={session}&step=pen");
        await Assertions.Expect(dora.Locator("#item-heading")).ToContainTextAsync(session);
        await dora.AssertNoSeriousAccessibilityProblem("coding page");
        Assert.Equal(0, await dora.GetByRole(AriaRole.Link, new() { Name = "Coder agreement" }).CountAsync());
        await dora.EvaluateAsync("() => window.__samePage = true");
        await dora.Locator("#note").FillAsync("first letter clear");
        await dora.Locator("#item-heading").FocusAsync();
        await dora.Keyboard.PressAsync("1");
        await Assertions.Expect(dora.Locator("#coding-status")).ToContainTextAsync("Saved: own name.");
        // Other answers of this study (earlier tests) may follow; the page is the same page either way.
        Assert.True(await dora.EvaluateAsync<bool>("() => window.__samePage === true"), "the page reloaded after coding");
        await dora.AssertNoSeriousAccessibilityProblem("coding page after a code");

        // The second coder sees the answer with no trace of the first coder's code or note.
        await using var second = await fixture.NewContext();
        var emil = await LogIn(second, "emil", "emil-password-1");
        await emil.GotoAsync($"/researcher/experiments/gallup-pen/coding?session={session}&step=pen");
        await Assertions.Expect(emil.Locator("#item-heading")).ToContainTextAsync(session);
        var html = await emil.ContentAsync();
        Assert.DoesNotContain("first letter clear", html);
        Assert.DoesNotContain("dora", html);
        await Assertions.Expect(emil.Locator("#your-code")).ToBeHiddenAsync();
        var next = await second.APIRequest.GetAsync("/researcher/experiments/gallup-pen/coding/next");
        Assert.DoesNotContain("first letter clear", await next.TextAsync());
        await emil.GetByRole(AriaRole.Button, new() { Name = "Other word" }).ClickAsync();
        await Assertions.Expect(emil.Locator("#coding-status")).ToContainTextAsync("Saved: other word.");

        // The owner decides.
        await using var owner = await fixture.NewContext();
        var page = await owner.OpenDashboard();
        await page.GotoAsync("/researcher/experiments/gallup-pen/adjudication");
        var item = page.Locator("section.adjudication-item", new() { HasText = session });
        await Assertions.Expect(item).ToContainTextAsync("dora: own name (note: first letter clear)");
        await Assertions.Expect(item).ToContainTextAsync("emil: other word");
        await page.AssertNoSeriousAccessibilityProblem("adjudication page");
        await item.GetByLabel("Reason for the decision (optional)").FillAsync("clearly 'Anna'");
        await item.GetByRole(AriaRole.Button, new() { Name = "Decide: own name" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Adjudicated {session}: own name.");
        await Assertions.Expect(page.Locator("table")).ToContainTextAsync("researcher");

        // The outcome is final, and the report says how it was reached.
        var outcome = fixture.Server.Store.FindSession(session)!.Outcomes["pen"];
        Assert.Equal(true, outcome.SelfReference);
        Assert.Contains("adjudicated by researcher: own name", outcome.MatchDetail);
        var report = System.Text.Encoding.UTF8.GetString(await owner.Fetch("/researcher/experiments/gallup-pen/report"));
        Assert.Contains("Coding of handwritten answers", report);
        Assert.Matches(@"[1-9]\d* by adjudication of a disagreement", report);
        Assert.Contains("by 2 coders", report);
    }

    [Fact]
    public async Task A_coder_skips_and_undoes_with_the_keyboard()
    {
        var first = fixture.Server.Store.FindSessionByToken(await HandwritingOverHttp.Participant(fixture.BaseUrl, "gallup-pen", "Ole", "Sand"))!.Id;
        await Coder("fritz", "fritz-password-1");
        await using var context = await fixture.NewContext();
        var page = await LogIn(context, "fritz", "fritz-password-1");
        await page.GotoAsync("/researcher/experiments/gallup-pen/coding");
        // Skip every answer before ours, then code ours, then take it back.
        for (var i = 0; i < 50 && !(await page.Locator("#item-heading").TextContentAsync())!.Contains(first); i++)
        {
            var before = await page.Locator("#item-heading").TextContentAsync();
            await page.Keyboard.PressAsync("s");
            await Assertions.Expect(page.Locator("#item-heading")).Not.ToHaveTextAsync(before!);
        }
        await Assertions.Expect(page.Locator("#item-heading")).ToContainTextAsync(first);
        await page.Keyboard.PressAsync("3");
        await Assertions.Expect(page.Locator("#coding-status")).ToContainTextAsync("Saved: unreadable.");
        Assert.Contains(fixture.Server.Store.CodesOf(first), c => c.Coder == "fritz");
        await page.Keyboard.PressAsync("u");
        await Assertions.Expect(page.Locator("#coding-status")).ToContainTextAsync("Took back your code 'unreadable'.");
        await Assertions.Expect(page.Locator("#item-heading")).ToContainTextAsync(first);
        // After every change the focus is on the answer's heading, for keyboard and screen-reader users.
        await Assertions.Expect(page.Locator("#item-heading")).ToBeFocusedAsync();
        Assert.DoesNotContain(fixture.Server.Store.CodesOf(first), c => c.Coder == "fritz");
    }
}
