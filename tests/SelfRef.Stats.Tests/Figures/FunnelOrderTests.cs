using System.Text.RegularExpressions;
using SelfRef.Stats.Figures;
using SelfRef.Stats.Results;
using static SelfRef.Stats.Tests.Report.ReportRun;

namespace SelfRef.Stats.Tests.Figures;

public class FunnelOrderTests
{
    [Fact]
    public void Counterbalanced_task_order_gives_task_stages_that_are_counts_not_a_sequence()
    {
        // Half the synthetic participants do the pen task first, half the map task.
        var stages = FunnelStage.FromOutcomes(SyntheticOutcomes.Create(), ["pen", "map"]);
        Assert.Equal([true, false, false, true], stages.Select(s => s.InSequence));
        var caption = CompletionFunnelFigure.Create(stages).Caption;
        Assert.DoesNotMatch(@"first action \d+ →", caption);
        Assert.DoesNotMatch(@"→ (pen|map): first action", caption);
        Assert.Contains("not steps in a sequence", caption);
    }

    [Fact]
    public void A_fixed_task_order_gives_the_task_stages_in_the_order_participants_met_them()
    {
        var rows = Enumerable.Range(0, 6).SelectMany(i => new[] { Row($"p{i}", "pen", true, order: 2), Row($"p{i}", "map", i < 5, order: 1) }).ToList();
        var stages = FunnelStage.FromOutcomes(rows, ["pen", "map"]);
        Assert.Equal(["in outcome table", "map: first action", "pen: first action", "completed"], stages.Select(s => s.Label));
        Assert.All(stages, s => Assert.True(s.InSequence));
        Assert.Contains("map: first action 6 → pen: first action 6", CompletionFunnelFigure.Create(stages).Caption);
    }

    [Fact]
    public void An_unknown_task_order_is_not_drawn_as_a_sequence()
    {
        var rows = Enumerable.Range(0, 4).SelectMany(i => new[] { Row($"p{i}", "pen", true), Row($"p{i}", "map", true) }).ToList();
        Assert.Null(FunnelStage.CommonOrder(rows, ["pen", "map"]));
        Assert.All(FunnelStage.FromOutcomes(rows, ["pen", "map"]).Where(s => s.Label.Contains("first action")), s => Assert.False(s.InSequence));
    }
}
