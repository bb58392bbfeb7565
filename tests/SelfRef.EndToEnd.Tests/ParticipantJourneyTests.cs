using System.Text.RegularExpressions;
using SelfRef.Core.Sessions;
using SelfRef.EndToEnd.Tests.Support;

namespace SelfRef.EndToEnd.Tests;

public class ParticipantJourneyTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private sealed record Words(string Locale, string Consent, string Agree, string Continue, string Pen, string Done, string FirstName, string Surname, string Age, string Hand, string Right, string Submit, string Thanks, string Code, string Required, string FirstStep, string LanguageName);

    private static readonly Words German = new("de-DE", "Einwilligung", "Ich bin einverstanden und nehme teil", "Weiter", "Probieren Sie den Stift aus.", "Fertig",
        "Ihr Vorname", "Ihr Nachname", "Ihr Alter in Jahren", "Mit welcher Hand schreiben Sie?", "rechts", "Weiter", "Vielen Dank!", "Ihr Abschlusscode", "Bitte beantworten Sie diese Frage.", "Schritt 1 von 5", "Deutsch");
    private static readonly Words English = new("en-GB", "Consent", "I agree and take part", "Continue", "Try the pen.", "Done",
        "Your first name", "Your surname", "Your age in years", "Which hand do you write with?", "right", "Continue", "Thank you!", "Your completion code", "Please answer this question.", "Step 1 of 5", "English");

    // French is the proof that a language needs only its texts in the experiment and its translation file (translations/fr.json).
    private static readonly Words French = new("fr-FR", "Consentement", "J’accepte et je participe", "Continuer", "Essayez le stylo.", "Terminé",
        "Votre prénom", "Votre nom de famille", "Votre âge (en années)", "De quelle main écrivez-vous ?", "droite", "Continuer", "Merci !", "Votre code de fin d’étude", "Veuillez répondre à cette question.", "Étape 1 sur 5", "Français");

    [Theory]
    [InlineData("de", false)]
    [InlineData("en", false)]
    [InlineData("de", true)]
    [InlineData("fr", false)]
    public async Task A_participant_walks_consent_instructions_questionnaire_and_debrief(string language, bool phone)
    {
        var words = language switch { "de" => German, "fr" => French, _ => English };
        await using var context = await fixture.NewContext(words.Locale, phone);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/s/gallup-pen?PROLIFIC_PID=pp-123");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = words.Consent })).ToBeVisibleAsync();
        Assert.Equal(language, await page.GetAttributeAsync("html", "lang"));
        // The page's own words are in the participant's language too, and the language menu names each language in itself.
        await Assertions.Expect(page.Locator("#progress")).ToHaveTextAsync(words.FirstStep);
        await Assertions.Expect(page.GetByLabel(words.Locale == "fr-FR" ? "Langue" : words.Locale == "de-DE" ? "Sprache" : "Language")).ToHaveValueAsync(language);
        Assert.Equal(words.LanguageName, (await page.Locator($"#language-select option[value={language}]").TextContentAsync())?.Trim());
        await page.AssertNoSeriousAccessibilityProblem("consent page");
        await page.GetByRole(AriaRole.Button, new() { Name = words.Agree }).ClickAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = words.Continue }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = words.Pen })).ToBeVisibleAsync();
        await page.AssertNoSeriousAccessibilityProblem("pen sheet");
        var sheet = (await page.Locator("#pen-sheet").BoundingBoxAsync())!;
        if (phone) await page.Touchscreen.TapAsync(sheet.X + 40, sheet.Y + 60);
        else
        {
            await page.Mouse.MoveAsync(sheet.X + 40, sheet.Y + 60);
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(sheet.X + 90, sheet.Y + 40, new() { Steps = 4 });
            await page.Mouse.UpAsync();
        }
        await page.GetByRole(AriaRole.Button, new() { Name = words.Done }).ClickAsync();

        await page.GetByLabel(words.FirstName).FillAsync("Anna");
        await page.GetByRole(AriaRole.Button, new() { Name = words.Submit }).ClickAsync();
        await Assertions.Expect(page.GetByText(words.Required).First).ToBeVisibleAsync();
        await page.AssertNoSeriousAccessibilityProblem("questionnaire with problems shown");
        await page.GetByLabel(words.Surname).FillAsync("Müller-Lüdenscheidt");
        await page.GetByLabel(words.Age).FillAsync("31");
        await page.GetByRole(AriaRole.Group, new() { Name = words.Hand }).GetByLabel(words.Right).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = words.Submit }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = words.Thanks })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(words.Code)).ToBeVisibleAsync();
        await page.AssertNoSeriousAccessibilityProblem("debrief");
        var code = await page.Locator("#completion-code").TextContentAsync();
        await page.AllSaved();

        var session = fixture.Session(page);
        Assert.Equal(SessionStatus.Completed, session.Status);
        Assert.Equal(code, session.CompletionCode);
        Assert.Equal(language, session.Language);
        Assert.Equal("pp-123", session.Recruitment["PROLIFIC_PID"]);
        Assert.Equal("Müller-Lüdenscheidt", session.Answers["about-you.surname"]);
        var types = fixture.StoredTypes(page);
        Assert.Equal(5, types.Count(t => t == "step.onset"));
        Assert.Contains("answer.input", types);
        await fixture.AssertEveryEventStoredOnce(page);

        // The researcher sees the participant's outcome row, waiting for a coder.
        var researcher = await context.NewPageAsync();
        await researcher.GotoAsync("/researcher/experiments/gallup-pen");
        await researcher.GetByLabel("User name").FillAsync("researcher");
        await researcher.GetByLabel("Password").FillAsync(SelfRef.Tests.Support.SelfRefFactory.ResearcherPassword);
        await researcher.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        var row = researcher.GetByRole(AriaRole.Row).Filter(new() { HasText = session.Id });
        await Assertions.Expect(row).ToContainTextAsync("not coded");
        await Assertions.Expect(row).ToContainTextAsync(phone ? "touch" : "mouse");
        await Assertions.Expect(row).ToContainTextAsync(phone ? "phone" : "desktop");
        await researcher.AssertNoSeriousAccessibilityProblem("researcher's experiment page");
    }

    [Fact]
    public async Task A_participant_who_reloads_mid_study_resumes_at_the_same_step()
    {
        await using var context = await fixture.NewContext();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/s/gallup-pen");
        await page.GetByRole(AriaRole.Button, new() { Name = English.Agree }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "How it works" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = English.Continue }).ClickAsync();
        await Assertions.Expect(page.GetByText("Step 3 of 5")).ToBeVisibleAsync();

        await page.ReloadAsync();
        await Assertions.Expect(page.GetByText("Step 3 of 5")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = English.Pen })).ToBeVisibleAsync();

        // The participant link itself also leads back, and so does a second tab.
        await page.GotoAsync("/s/gallup-pen");
        await Assertions.Expect(page.GetByText("Step 3 of 5")).ToBeVisibleAsync();
        var tab = await context.NewPageAsync();
        await tab.GotoAsync(page.Url);
        await Assertions.Expect(tab.GetByText("Step 3 of 5")).ToBeVisibleAsync();
        await page.AllSaved();
        await tab.AllSaved();
        Assert.Equal(2, fixture.Session(page).StepIndex);

        // The two tabs number their events in streams of their own: none of either is lost.
        var first = await page.EvaluateAsync<string>("() => window.selfref.outbox.stream");
        var second = await tab.EvaluateAsync<string>("() => window.selfref.outbox.stream");
        Assert.NotEqual(first, second);
        foreach (var (each, stream) in new[] { (page, first), (tab, second) })
            await fixture.AssertEveryEventStoredOnce(each, stream);
    }

    [Fact]
    public async Task A_participant_who_goes_offline_while_answering_loses_no_event()
    {
        await using var context = await fixture.NewContext();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/s/gallup-pen");
        await page.GetByRole(AriaRole.Button, new() { Name = English.Agree }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = English.Continue }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = English.Done }).ClickAsync();
        var firstName = page.GetByLabel(English.FirstName);
        await Assertions.Expect(firstName).ToBeVisibleAsync();
        await page.AllSaved();

        await context.SetOfflineAsync(true);
        await page.WaitForFunctionAsync("() => !navigator.onLine");
        await firstName.PressSequentiallyAsync("Annabelle", new() { Delay = 120 });
        await page.GetByLabel(English.Surname).PressSequentiallyAsync("Zimmermann", new() { Delay = 120 });
        await page.WaitForTimeoutAsync(1500);
        Assert.True(await page.Pending() > 0, "while offline, nothing should be acknowledged");
        await Assertions.Expect(page.Locator("#save-status")).ToContainTextAsync("No connection");

        await context.SetOfflineAsync(false);
        await page.AllSaved(30_000);
        await fixture.AssertEveryEventStoredOnce(page);
        Assert.True(fixture.StoredTypes(page).Count(t => t == "answer.input") >= 19, "every keystroke typed offline is stored");
    }

    [Fact]
    public async Task A_participant_who_declines_is_thanked_and_nothing_else_is_kept()
    {
        await using var context = await fixture.NewContext("de-DE");
        var page = await context.NewPageAsync();
        await page.GotoAsync("/s/gallup-map?PROLIFIC_PID=pp-9");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ich möchte nicht teilnehmen" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Vielen Dank" })).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByText("Sie haben sich entschieden, nicht teilzunehmen.")).ToBeVisibleAsync();
        var session = fixture.Session(page);
        Assert.Equal(SessionStatus.Declined, session.Status);
        Assert.Empty(session.Recruitment);
        Assert.Empty(fixture.Server.Store.Events(session.Id));
    }

    [Fact]
    public async Task Suggestions_that_arrive_after_the_participant_left_the_home_town_box_stay_closed()
    {
        await using var context = await fixture.NewContext();
        var page = await context.NewPageAsync();
        // The gazetteer answers late (a busy server): only after the participant has moved on.
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/api/places/search**", async route => { await answer.Task; await route.ContinueAsync(); });
        await page.GotoAsync("/s/gallup-replication");
        await page.GetByRole(AriaRole.Button, new() { Name = English.Agree }).ClickAsync();
        for (var i = 0; i < 3; i++)
        {
            await Assertions.Expect(page.GetByText($"Step {i + 2} of 6")).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^(Continue|Done)$") }).ClickAsync();
        }
        var home = page.GetByRole(AriaRole.Combobox, new() { Name = "Your home town" });
        var asked = page.WaitForRequestAsync(request => request.Url.Contains("/api/places/search"));
        await home.PressSequentiallyAsync("Leeds", new() { Delay = 30 });
        await asked;
        await page.GetByLabel(English.Age).FillAsync("44");
        answer.SetResult();

        // Once the late answer is in (its places are listed), the list stays closed: it would lie over the button below.
        await page.Locator(".place-option").First.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        Assert.False(await page.Locator("[role=listbox]").IsVisibleAsync(), "the suggestions opened under a box the participant had left");
        Assert.Equal("false", await home.GetAttributeAsync("aria-expanded"));
        // Back in the box, the arrow key opens what was found.
        await home.FocusAsync();
        await home.PressAsync("ArrowDown");
        await Assertions.Expect(page.Locator(".place-option").First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_debrief_sends_the_participant_back_only_after_every_event_is_stored()
    {
        await using var context = await fixture.NewContext();
        var page = await context.NewPageAsync();
        HashSet<(string, long)>? storedAtRedirect = null;
        string? redirectedTo = null;
        string token = "";
        await page.RouteAsync("https://app.prolific.com/**", async route =>
        {
            redirectedTo = route.Request.Url;
            storedAtRedirect = fixture.Server.Store.Events(fixture.Server.Services.GetRequiredService<SessionService>().Find(token)!.Id)
                .SelectMany(b => b.Events.Select(e => (b.Stream, e.N))).ToHashSet();
            await route.FulfillAsync(new() { Status = 200, ContentType = "text/html", Body = "<title>Prolific</title><p>done</p>" });
        });
        await page.GotoAsync("/s/gallup-replication?PROLIFIC_PID=pp-7");
        token = page.Token();
        await page.GetByRole(AriaRole.Button, new() { Name = English.Agree }).ClickAsync();
        for (var i = 0; i < 3; i++)
        {
            await Assertions.Expect(page.GetByText($"Step {i + 2} of 6")).ToBeVisibleAsync();
            // Instructions go on with "Continue", the tasks with their own "Done".
            await page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^(Continue|Done)$") }).ClickAsync();
        }
        await page.GetByLabel(English.FirstName).FillAsync("Jo");
        await page.GetByLabel(English.Surname).FillAsync("Smith");
        await page.GetByRole(AriaRole.Combobox, new() { Name = "Your home town" }).FillAsync("Leeds");
        await page.GetByLabel(English.Age).FillAsync("44");
        await page.GetByRole(AriaRole.Button, new() { Name = English.Submit }).ClickAsync();
        await page.WaitForURLAsync(new Regex("^https://app\\.prolific\\.com/"), new() { Timeout = 20_000 });

        var session = fixture.Server.Services.GetRequiredService<SessionService>().Find(token)!;
        Assert.Equal($"https://app.prolific.com/submissions/complete?cc={session.CompletionCode}", redirectedTo);
        var events = fixture.Server.Store.Events(session.Id).SelectMany(b => b.Events.Select(e => (b.Stream, Event: e))).ToList();
        Assert.True(storedAtRedirect!.Count >= 10, $"only {storedAtRedirect.Count} events were stored when the page left");
        // Leaving the page hides it, and that is logged too: the only events allowed to arrive after the redirect.
        var late = events.Where(e => !storedAtRedirect.Contains((e.Stream, e.Event.N))).ToList();
        Assert.All(late, e => Assert.Equal("page.visibility", e.Event.Type));
        Assert.Contains("step.onset", fixture.Server.Store.Events(session.Id).Where(b => b.Step == "debrief").SelectMany(b => b.Events).Select(e => e.Type));
    }
}
