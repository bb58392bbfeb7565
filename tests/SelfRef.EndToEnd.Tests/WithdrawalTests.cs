using SelfRef.Core.Sessions;
using SelfRef.EndToEnd.Tests.Support;

namespace SelfRef.EndToEnd.Tests;

/// <summary>The withdraw button every participant page shows, the privacy page and /withdraw, in Chromium.</summary>
public class WithdrawalTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task The_withdraw_button_deletes_the_session_after_confirmation_and_the_tab_forgets_its_events()
    {
        await using var context = await fixture.NewContext();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/s/gallup-pen?PROLIFIC_PID=pp-withdraw");
        var token = page.Token();
        await page.GetByRole(AriaRole.Button, new() { Name = "I agree and take part" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Step 2 of 5")).ToBeVisibleAsync();
        await page.AllSaved();
        var id = fixture.Session(page).Id;
        Assert.NotEmpty(fixture.Server.Store.Events(id));

        // Cancelling changes nothing.
        await page.GetByRole(AriaRole.Button, new() { Name = "Withdraw from the study" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Withdraw and delete your data?" });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await page.AssertNoSeriousAccessibilityProblem("withdrawal confirmation");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "No, go back" }).ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        Assert.NotNull(fixture.Server.Store.FindSession(id));

        await page.GetByRole(AriaRole.Button, new() { Name = "Withdraw from the study" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete my data" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your data was deleted" })).ToBeVisibleAsync();
        await page.AssertNoSeriousAccessibilityProblem("withdrawn page");
        Assert.Null(fixture.Server.Store.FindSession(id));
        Assert.Empty(fixture.Server.Store.Events(id));
        Assert.Equal(0, await page.EvaluateAsync<int>($"() => Object.keys(localStorage).filter(k => k.includes('{token}')).length"));
        Assert.Equal(0, await page.Pending());

        // A reload finds nothing to resume.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByText("This link is not valid (any more).")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_privacy_page_and_the_withdrawal_form_are_accessible_and_reached_from_the_study()
    {
        await using var context = await fixture.NewContext("de-DE");
        var page = await context.NewPageAsync();
        await page.GotoAsync("/s/gallup-map");
        var privacy = page.Locator("#consent-privacy");
        await Assertions.Expect(privacy).ToHaveAttributeAsync("href", "/privacy/gallup-map?lang=de");
        await Assertions.Expect(page.Locator("#privacy-link")).ToHaveTextAsync("Datenschutz");

        await page.GotoAsync("/privacy/gallup-map?lang=de");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Datenschutz: was diese Studie speichert" })).ToBeVisibleAsync();
        await page.AssertNoSeriousAccessibilityProblem("privacy page");

        await page.Locator("#withdraw-link").ClickAsync();
        await page.GetByLabel("Widerrufscode").FillAsync("0000-0000-0000-0000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Meine Daten löschen" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("keine Teilnahme gefunden");
        await page.AssertNoSeriousAccessibilityProblem("withdrawal form with a problem shown");
    }
}
