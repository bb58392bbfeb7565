using Deque.AxeCore.Playwright;

namespace SelfRef.EndToEnd.Tests.Support;

public static class Accessibility
{
    /// <summary>axe-core on the page as it is now: no violation of serious or critical impact.</summary>
    public static async Task AssertNoSeriousAccessibilityProblem(this IPage page, string where)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, $"{where}: " + string.Join("; ", serious.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))})")));
    }
}
