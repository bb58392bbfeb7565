using SelfRef.Core.Sessions;
using SelfRef.EndToEnd.Tests.Support;
using SelfRef.Tests.Support;

namespace SelfRef.EndToEnd.Tests;

/// <summary>A server whose store refuses the batches of sessions a test marks as full (see <see cref="QuotaStore"/>).</summary>
public sealed class StorageQuotaFixture() : BrowserFixture(new SelfRefFactory { ExtraServices = QuotaStore.Around })
{
    public QuotaStore Quota => (QuotaStore)(object)Server.Store;
}

/// <summary>
/// When the server refuses a batch because the session's storage quota is used up, the page says
/// so in the participant's language, stops sending what can never be stored, and the participant
/// goes on to the end.
/// </summary>
public class StorageQuotaTests(StorageQuotaFixture fixture) : IClassFixture<StorageQuotaFixture>
{
    private const string English = "This task has reached the limit of what can be stored for one participant, so what you do from now on in this task cannot be saved. You can simply continue with the study.";
    private const string German = "Diese Aufgabe hat die Grenze dessen erreicht, was für eine teilnehmende Person gespeichert werden kann. Was Sie ab jetzt in dieser Aufgabe tun, kann daher nicht gespeichert werden. Sie können einfach mit der Studie weitermachen.";

    private static async Task Draw(IPage page, float fromX, float fromY)
    {
        var sheet = (await page.Locator("#pen-sheet").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(sheet.X + fromX, sheet.Y + fromY);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(sheet.X + fromX + 60, sheet.Y + fromY + 20, new() { Steps = 8 });
        await page.Mouse.UpAsync();
    }

    [Theory]
    [InlineData("en-GB", "Try the pen.", "I agree and take part", "Continue", "Done", English)]
    [InlineData("de-DE", "Probieren Sie den Stift aus.", "Ich bin einverstanden und nehme teil", "Weiter", "Fertig", German)]
    public async Task A_participant_whose_storage_quota_is_used_up_is_told_and_goes_on_while_nothing_is_sent_again(
        string locale, string instruction, string agree, string next, string done, string message)
    {
        await using var context = await fixture.NewContext(locale);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/s/gallup-pen");
        await page.GetByRole(AriaRole.Button, new() { Name = agree }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = next }).ClickAsync();
        await Assertions.Expect(page.GetByText(instruction, new() { Exact = true })).ToBeVisibleAsync();
        await Draw(page, 40, 60);
        await page.AllSaved();
        var stored = fixture.StoredNumbers(page).Count;
        Assert.Empty(await page.Locator("#notice").TextContentAsync() ?? "");

        // From now on the server refuses every batch of this session for its quota.
        var session = fixture.Session(page);
        fixture.Quota.Fill(session.Id);
        await Draw(page, 40, 140);

        var notice = page.GetByRole(AriaRole.Alert);
        await Assertions.Expect(notice).ToHaveTextAsync(message);
        await page.AssertNoSeriousAccessibilityProblem("pen sheet with the storage quota message");
        await page.WaitForFunctionAsync("() => window.selfref.outbox.pending === 0 && window.selfref.outbox.storageFull", null, new() { Timeout = 20_000 });
        Assert.Equal(1, fixture.Quota.RefusedFor(session.Id));

        // Drawing on takes no numbers and queues nothing: there is nothing left to send again.
        var numbered = await page.Produced();
        await Draw(page, 40, 220);
        await Draw(page, 140, 220);
        Assert.Equal(0, await page.Pending());
        Assert.Equal(numbered, await page.Produced());

        // The participant goes on: the next step shows no message, the answers are stored, the debrief
        // does not wait for events that can never be stored.
        await page.GetByRole(AriaRole.Button, new() { Name = done }).ClickAsync();
        await Assertions.Expect(page.Locator("input[name=firstName]")).ToBeVisibleAsync();
        Assert.Empty(await page.Locator("#notice").TextContentAsync() ?? "");
        await page.Locator("input[name=firstName]").FillAsync("Anna");
        await page.Locator("input[name=surname]").FillAsync("Smith");
        await page.Locator("input[name=age]").FillAsync("31");
        await page.Locator("input[type=radio]").First.CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = next }).ClickAsync();
        await Assertions.Expect(page.Locator("#completion-code")).ToBeVisibleAsync();
        // The debrief's first event is refused too (the quota is the session's); then nothing waits.
        await page.WaitForFunctionAsync("() => window.selfref.outbox.storageFull && window.selfref.outbox.pending === 0", null, new() { Timeout = 20_000 });
        Assert.Empty(await page.Locator("#notice").TextContentAsync() ?? "");

        var finished = fixture.Session(page);
        Assert.Equal(SessionStatus.Completed, finished.Status);
        Assert.Equal("Smith", finished.Answers["about-you.surname"]);
        // Only what was stored before the quota ran out is stored; the pen step's refusal was sent once,
        // and each later step tried once (its onset) and then sent nothing more.
        Assert.Equal(stored, fixture.StoredNumbers(page).Count);
        Assert.Equal(3, fixture.Quota.RefusedFor(session.Id));
    }
}
