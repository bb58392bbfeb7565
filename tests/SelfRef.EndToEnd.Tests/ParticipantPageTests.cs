using SelfRef.EndToEnd.Tests.Support;

namespace SelfRef.EndToEnd.Tests;

/// <summary>How the participant's pages are laid out and what they offer, in Chromium at 1280×800 and on a phone.</summary>
public class ParticipantPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_withdraw_button_appears_only_once_the_participant_has_agreed()
    {
        await using var context = await fixture.NewContext();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/s/gallup-pen?lang=en");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Consent" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#privacy-link")).ToBeVisibleAsync();
        // Nothing is recorded before consent, so there is nothing to withdraw from yet.
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Withdraw from the study" })).ToHaveCountAsync(0);
        await page.AssertNoSeriousAccessibilityProblem("consent page");

        await page.GetByRole(AriaRole.Button, new() { Name = "I agree and take part" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Step 2 of 5")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Withdraw from the study" })).ToBeVisibleAsync();
    }

    [Theory]
    [InlineData("gallup-pen")]
    [InlineData("gallup-map")]
    public async Task The_pages_after_a_task_are_laid_out_in_the_reading_column_again(string experiment)
    {
        await using var context = await fixture.NewContext();
        var page = await context.OpenFirstTask(experiment);
        await Assertions.Expect(page.Locator("#pen-sheet, .map-canvas")).ToBeVisibleAsync();
        Assert.True(await MainWidthInRem(page) > 42, "the task page should be wider than the reading column");
        await page.GetByRole(AriaRole.Button, new() { Name = experiment == "gallup-pen" ? "Done" : "Continue" }).ClickAsync();

        await Assertions.Expect(page.Locator("#questionnaire")).ToBeVisibleAsync();
        await AssertReadingColumn(page, "questionnaire");
        await page.AssertNoSeriousAccessibilityProblem("questionnaire after a task");
        if (experiment == "gallup-pen")
        {
            await page.GetByLabel("Your first name").FillAsync("Anna");
            await page.GetByLabel("Your surname").FillAsync("Berg");
            await page.GetByRole(AriaRole.Group, new() { Name = "Which hand do you write with?" }).GetByLabel("right").CheckAsync();
        }
        else await page.GetByRole(AriaRole.Combobox, new() { Name = "Your home town" }).FillAsync("Leeds");
        await page.GetByLabel("Your age in years").FillAsync("40");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Thank you!" })).ToBeVisibleAsync();
        await AssertReadingColumn(page, "debrief");
    }

    private static async Task<double> MainWidthInRem(IPage page) =>
        await page.EvaluateAsync<double>("() => document.getElementById('step').getBoundingClientRect().width / parseFloat(getComputedStyle(document.documentElement).fontSize)");

    private static async Task AssertReadingColumn(IPage page, string where)
    {
        Assert.Equal("page", await page.Locator("#step").GetAttributeAsync("class"));
        var rem = await MainWidthInRem(page);
        Assert.True(rem <= 42.01, $"the {where} is laid out {rem:F1} rem wide, wider than the reading column (42 rem)");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_map_page_shows_Continue_without_scrolling(bool phone)
    {
        await using var context = await fixture.NewContext(phone: phone);
        var page = await context.OpenFirstTask("gallup-map");
        await page.MapShown();

        var viewport = page.ViewportSize!;
        var button = (await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).BoundingBoxAsync())!;
        var map = (await page.Locator(".map-canvas").BoundingBoxAsync())!;
        Assert.Equal(0, await page.EvaluateAsync<double>("() => scrollY"));
        Assert.True(button.Y + button.Height <= viewport.Height,
            $"Continue ends at {button.Y + button.Height:F0} px, below the fold of a {viewport.Width}×{viewport.Height} screen");
        // Not bought by shrinking the map away: it keeps most of the screen.
        Assert.True(map.Height >= viewport.Height * 0.4, $"the map is only {map.Height:F0} px high on a {viewport.Height} px screen");
        Assert.True(map.Width >= viewport.Width * 0.85, $"the map is only {map.Width:F0} px wide on a {viewport.Width} px screen");
        await page.AssertNoSeriousAccessibilityProblem(phone ? "map on a phone" : "map at 1280×800");
    }

    [Fact]
    public async Task The_keyboard_pen_page_has_its_instruction_as_heading_and_label()
    {
        await using var context = await fixture.NewContext();
        var page = await context.OpenFirstTask("gallup-pen-keyboard");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Type something.", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Textbox, new() { Name = "Type something." })).ToBeVisibleAsync();
        await page.AssertNoSeriousAccessibilityProblem("keyboard pen page");
    }

    [Fact]
    public async Task Every_page_finds_its_favicon_on_this_server()
    {
        await using var context = await fixture.NewContext();
        var page = await context.NewPageAsync();
        var missing = new List<string>();
        var elsewhere = new List<string>();
        page.Response += (_, response) => { if (response.Status == 404) lock (missing) missing.Add(response.Url); };
        page.Request += (_, request) => { if (!request.Url.StartsWith(fixture.BaseUrl) && !request.Url.StartsWith("data:")) lock (elsewhere) elsewhere.Add(request.Url); };
        await page.GotoAsync("/s/gallup-pen?lang=en");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Consent" })).ToBeVisibleAsync();
        await page.GotoAsync("/privacy/gallup-pen?lang=en");
        await page.GotoAsync("/researcher/login");
        await Assertions.Expect(page.GetByLabel("User name")).ToBeVisibleAsync();

        var icon = await context.APIRequest.GetAsync("/favicon.ico");
        Assert.Equal(200, icon.Status);
        Assert.Equal("image/x-icon", icon.Headers["content-type"]);
        var bytes = await icon.BodyAsync();
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, bytes.Take(4));
        lock (missing) Assert.True(missing.Count == 0, "not found: " + string.Join(", ", missing));
        lock (elsewhere) Assert.True(elsewhere.Count == 0, "asked other hosts: " + string.Join(", ", elsewhere));
    }
}
