using SelfRef.Core.Tasks.Map;
using static SelfRef.Core.Tests.Tasks.Map.GazetteerFixture;

namespace SelfRef.Core.Tests.Tasks.Map;

public class FirstTargetRulesTests
{
    private static readonly MapStep Step = new() { Id = "map", Instruction = [], TargetZoom = 10, DwellMs = 800 };

    // Munich and Berlin, as a participant would centre them.
    private const double MuLat = 48.14, MuLng = 11.58, BeLat = 52.52, BeLng = 13.40;

    public sealed record Case(string Name, MapEventScript Script, TargetInference? Inference, double Lat, double Lng, double T)
    {
        public override string ToString() => Name;
    }

    private static MapEventScript Start() => new MapEventScript().View(0, 30, 10, 2, initial: true);

    public static TheoryData<Case> Cases => new()
    {
        new("only a search: the chosen result",
            Start().Type(900, "Ber").Type(1100, "Berlin").Choose(1800, Berlin, "Berlin", 52.52437, 13.41053).View(1900, 52.52437, 13.41053, 11).Continue(6000),
            TargetInference.Search, 52.52437, 13.41053, 1800),
        new("zoom into Munich and hold, then search Berlin: Munich",
            Start().View(500, 45, 10, 5).View(900, MuLat, MuLng, 8).View(1300, MuLat, MuLng, 10).View(3000, MuLat, MuLng, 9)
                .Type(3500, "Berlin").Choose(4200, Berlin, "Berlin", 52.52437, 13.41053).Continue(8000),
            TargetInference.ZoomHold, MuLat, MuLng, 1300),
        new("search Berlin, then zoom into Munich and hold: Berlin",
            Start().Choose(2000, Berlin, "Berlin", 52.52437, 13.41053).View(2100, 52.52437, 13.41053, 11).View(5000, MuLat, MuLng, 11).Continue(9000),
            TargetInference.Search, 52.52437, 13.41053, 2000),
        new("a zoom-in shorter than the dwell time does not count",
            Start().View(1000, MuLat, MuLng, 10).View(1500, MuLat, MuLng, 7).Choose(4000, Berlin, "Berlin", 52.52437, 13.41053).Continue(7000),
            TargetInference.Search, 52.52437, 13.41053, 4000),
        new("a hold below the target zoom does not count; the first click does",
            Start().View(1000, MuLat, MuLng, 8).Click(5000, BeLat, BeLng, 8).Click(6000, MuLat, MuLng, 8).Continue(9000),
            TargetInference.Click, BeLat, BeLng, 5000),
        new("a click before a held zoom-in: the zoom-in",
            Start().Click(400, 10, 10, 2).View(1000, BeLat, BeLng, 12).Continue(3000),
            TargetInference.ZoomHold, BeLat, BeLng, 1000),
        new("small moves while zoomed in keep the hold",
            Start().View(1000, MuLat, MuLng, 10).View(1016, MuLat + 0.01, MuLng, 10).View(1032, MuLat + 0.02, MuLng + 0.02, 10).View(1700, MuLat + 0.02, MuLng + 0.03, 10).View(2000, 40, 0, 4).Continue(4000),
            TargetInference.ZoomHold, MuLat, MuLng, 1000),
        new("panning on at high zoom moves the hold to where the participant stops",
            Start().View(1000, MuLat, MuLng, 10).View(1200, MuLat + 1, MuLng, 10).View(1400, BeLat, BeLng, 10).Continue(3000),
            TargetInference.ZoomHold, BeLat, BeLng, 1400),
        new("a zoom-in held until the participant goes on counts",
            Start().View(1000, MuLat, MuLng, 13).Continue(1900),
            TargetInference.ZoomHold, MuLat, MuLng, 1000),
        new("a zoom-in left unfinished at the end of the log does not count",
            Start().View(1000, MuLat, MuLng, 13),
            null, 0, 0, 0),
        new("the start view never counts, however close it is",
            new MapEventScript().View(0, MuLat, MuLng, 12, initial: true).Continue(5000),
            null, 0, 0, 0),
        new("nothing done: no target",
            Start().Continue(3000),
            null, 0, 0, 0),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_first_target_follows_the_rules(Case c)
    {
        var target = FirstTargetRules.Find(Step, c.Script.Events);
        if (c.Inference is null)
        {
            Assert.True(target is null, $"{c.Name}: expected no target, got {target}");
            return;
        }
        Assert.True(target is not null, $"{c.Name}: no target found in {c.Script}");
        Assert.Equal(c.Inference, target!.Inference);
        Assert.Equal(c.Lat, target.Lat, 6);
        Assert.Equal(c.Lng, target.Lng, 6);
        Assert.Equal(c.T, target.T);
    }

    [Fact]
    public void A_longer_dwell_time_turns_a_short_hold_into_no_target()
    {
        var script = Start().View(1000, MuLat, MuLng, 10).View(2500, MuLat, MuLng, 6).Continue(5000);
        Assert.NotNull(FirstTargetRules.Find(Step, script.Events));
        Assert.Null(FirstTargetRules.Find(Step with { DwellMs = 2000 }, script.Events));
    }

    [Fact]
    public void The_latency_is_the_first_action_not_the_start_view()
    {
        var script = Start().Type(1234, "M").View(2000, MuLat, MuLng, 10).Continue(5000);
        Assert.Equal(1234, FirstTargetRules.FirstActionT(script.Events));
        Assert.Null(FirstTargetRules.FirstActionT(Start().Continue(900).Events));
    }

    [Fact]
    public void Events_arriving_out_of_order_are_read_in_their_numbered_order()
    {
        var script = Start().View(1000, MuLat, MuLng, 10).View(2000, 40, 0, 4).Continue(3000);
        var shuffled = script.Events.Reverse().ToList();
        Assert.Equal(FirstTargetRules.Find(Step, script.Events), FirstTargetRules.Find(Step, shuffled));
    }
}
