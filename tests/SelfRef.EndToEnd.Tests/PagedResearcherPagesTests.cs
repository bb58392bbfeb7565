using SelfRef.EndToEnd.Tests.Support;

namespace SelfRef.EndToEnd.Tests;

/// <summary>The researcher pages changed for long lists stay accessible: the dashboard with its search, the paged outcome and session tables.</summary>
public class PagedResearcherPagesTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_dashboard_search_and_the_paged_tables_have_no_serious_accessibility_problem()
    {
        await using var context = await fixture.NewContext();
        var page = await context.OpenDashboard();
        await page.AssertNoSeriousAccessibilityProblem("dashboard");
        await page.GetByLabel("Id or title contains").FillAsync("keyboard");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("section.experiment-card")).ToHaveCountAsync(1);
        await page.AssertNoSeriousAccessibilityProblem("dashboard, searched");

        await page.Open("/researcher/experiments/gallup-pen-keyboard?sort=-latency");
        await Assertions.Expect(page.Locator("th[aria-sort=descending]")).ToHaveTextAsync("Latency (ms) ▼");
        await page.AssertNoSeriousAccessibilityProblem("experiment page with the paged outcome table");

        await page.Open("/researcher/experiments/gallup-pen-keyboard/sessions?sort=started");
        await page.AssertNoSeriousAccessibilityProblem("sessions page");
    }
}
