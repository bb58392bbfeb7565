using System.Net;
using SelfRef.Core.Sessions;
using SelfRef.Tests.Support;

namespace SelfRef.Web.Tests;

/// <summary>The consent deadline through the participant link and pages (the rules themselves: Core's ConsentDeadlineTests).</summary>
public class ConsentDeadlineFlowTests
{
    [Fact]
    public async Task A_link_left_on_the_consent_page_frees_its_slot_after_ten_minutes_and_the_participant_can_still_agree_and_go_on()
    {
        var clock = new ManualClock();
        // The test runs the sweep itself: the server's own (every AbandonCheckSeconds of real time) stays out of the way.
        await using var factory = new SelfRefFactory { Time = clock, Settings = { ["SelfRef:AbandonCheckSeconds"] = "3600" } };
        var sessions = factory.Services.GetRequiredService<SessionService>();
        var left = await factory.Start("gallup-replication");
        var agreed = await factory.Start("gallup-replication");
        Assert.Equal(HttpStatusCode.OK, (await factory.Advance(agreed, "consent")).Status);
        var slot = sessions.Find(left)!.Slot;

        clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(0, await sessions.ReleaseAbandoned());
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await sessions.ReleaseAbandoned());
        var next = await factory.Start("gallup-replication");
        Assert.Equal(slot, sessions.Find(next)!.Slot);

        // The page was still open: the participant agrees and goes on, with a slot of their own again.
        var (status, view) = await factory.Advance(left, "consent");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("active", view.GetProperty("status").GetString());
        Assert.Equal("intro", view.GetProperty("step").GetProperty("id").GetString());
        var holding = new[] { left, agreed, next }.Select(t => sessions.Find(t)!).ToList();
        Assert.All(holding, s => Assert.Equal(SessionStatus.Active, s.Status));
        Assert.Equal(3, holding.Select(s => s.Slot).Distinct().Count());
    }
}
