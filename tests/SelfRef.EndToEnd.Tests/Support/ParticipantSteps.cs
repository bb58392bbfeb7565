namespace SelfRef.EndToEnd.Tests.Support;

public static class ParticipantSteps
{
    /// <summary>A new participant of the experiment, in English, through consent and instructions to its first task (step 3).</summary>
    public static async Task<IPage> OpenFirstTask(this IBrowserContext context, string experiment)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/s/{experiment}?lang=en");
        await page.GetByRole(AriaRole.Button, new() { Name = "I agree and take part" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Step 3 of", new() { Exact = false })).ToBeVisibleAsync();
        return page;
    }

    /// <summary>The map is ready once outlines (SVG; a canvas before) and place labels are drawn and its first view is logged (two frames after it is shown).</summary>
    public static async Task MapShown(this IPage page)
    {
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Take a look at the map." })).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => window.selfref.map && document.querySelector('.leaflet-outlines-pane > *') && document.querySelectorAll('.map-label').length > 0");
        await page.EvaluateAsync("() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(resolve))))");
    }
}
