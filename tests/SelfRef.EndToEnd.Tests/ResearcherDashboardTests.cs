using SelfRef.EndToEnd.Tests.Support;
using SelfRef.Tests.Support;

namespace SelfRef.EndToEnd.Tests;

public class ResearcherDashboardTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_dashboard_counts_a_new_participant_without_being_reloaded()
    {
        await using var researcherContext = await fixture.NewContext();
        var dashboard = await researcherContext.NewPageAsync();
        await dashboard.GotoAsync("/researcher");
        await dashboard.GetByLabel("User name").FillAsync("researcher");
        await dashboard.GetByLabel("Password").FillAsync(SelfRefFactory.ResearcherPassword);
        await dashboard.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        var row = dashboard.GetByRole(AriaRole.Row).Filter(new() { HasText = "gallup-pen-keyboard" });
        await Assertions.Expect(row.GetByRole(AriaRole.Cell).Nth(1)).ToHaveTextAsync("0");
        await dashboard.AssertNoSeriousAccessibilityProblem("researcher dashboard");
        var navigations = 0;
        dashboard.FrameNavigated += (_, frame) => { if (frame == dashboard.MainFrame) navigations++; };

        await using var participantContext = await fixture.NewContext();
        var participant = await participantContext.NewPageAsync();
        await participant.GotoAsync("/s/gallup-pen-keyboard");
        await Assertions.Expect(participant.GetByRole(AriaRole.Button, new() { Name = "I agree and take part" })).ToBeVisibleAsync();

        await Assertions.Expect(row.GetByRole(AriaRole.Cell).Nth(1)).ToHaveTextAsync("1", new() { Timeout = 15_000 });
        Assert.Equal(0, navigations);
    }
}
