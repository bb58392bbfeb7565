using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using SelfRef.Core.Events;
using SelfRef.Tests.Support;

namespace SelfRef.Web.Tests;

/// <summary>
/// The words of the storage quota's refusal as the browser receives them from the hub: the page's
/// outbox (wwwroot/js/outbox.js) recognises "batch refused: storage quota" and stops sending.
/// </summary>
public class SessionQuotaTests
{
    private static EventBatch Bulky(long seq, int events = 40) =>
        new(seq, "consent", Enumerable.Range(0, events).Select(i => new ClientEvent(i, "ui.note",
            JsonSerializer.SerializeToElement(new { text = Convert.ToBase64String(RandomNumberGenerator.GetBytes(6_000)) }))).ToList());

    [Fact]
    public async Task A_batch_beyond_the_session_quota_is_refused_with_the_words_the_browser_looks_for()
    {
        await using var factory = new SelfRefFactory { Settings = { ["SelfRef:SessionQuotaMegabytes"] = "1" } };
        var full = await factory.Start();
        var other = await factory.Start();
        await using var hub = await factory.Hub(full);

        HubException? refusal = null;
        long seq = 1;
        for (var batch = 0; batch < 10 && refusal is null; batch++)
        {
            try { seq = await hub.Append(full, Bulky(seq)) + 1; }
            catch (HubException e) { refusal = e; }
        }
        Assert.NotNull(refusal);
        Assert.True(refusal.Message.Contains("batch refused: storage quota used up: this session may store at most 1 MB"), $"the refusal said: {refusal.Message}");
        // Sending it again is refused again: resending cannot help, so the browser stops.
        var again = await Assert.ThrowsAsync<HubException>(() => hub.Append(full, Bulky(seq)));
        Assert.True(again.Message.Contains("batch refused: storage quota"), $"the refusal said: {again.Message}");

        await using var otherHub = await factory.Hub(other);
        Assert.Equal(40, await otherHub.Append(other, Bulky(1)));
    }
}
