using System.Text.Json.Nodes;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.EndToEnd.Tests.Support;
using SelfRef.Tests.Support;

namespace SelfRef.EndToEnd.Tests;

/// <summary>A server reading an experiments folder of its own (the shipped gallup-pen), which the editor saves into.</summary>
public sealed class EditorFolderFixture : BrowserFixture, IDisposable
{
    public EditorFolderFixture() : this(new ExperimentFolder("gallup-pen")) { }

    private EditorFolderFixture(ExperimentFolder folder) : base(new SelfRefFactory(experimentsFolder: folder.Path)) => Folder = folder;

    public ExperimentFolder Folder { get; }

    public ExperimentCatalog Catalog => Server.Services.GetRequiredService<ExperimentCatalog>();

    public void Dispose() => Folder.Dispose();
}

/// <summary>The experiment editor in the browser: from a template to a study a participant takes.</summary>
public class ExperimentEditorTests(EditorFolderFixture fixture) : IClassFixture<EditorFolderFixture>
{
    /// <summary>A field of the form, by its place in the file (json-editor's path: root.steps.2.id).</summary>
    private static ILocator Field(IPage page, string path) =>
        page.Locator($"[data-schemapath='{path}']:visible").Locator("input:visible, textarea:visible, select:visible").First;

    private static ILocator InlineError(IPage page, string path) => page.Locator($"[data-schemapath='{path}']:visible .errmsg:visible");

    // The server checks every draft; on a busy machine its verdict may take longer than Playwright's 5 s default.
    private static readonly LocatorAssertionsToContainTextOptions Checked = new() { Timeout = 20_000 };

    private static async Task<JsonObject> EditorText(IPage page) =>
        JsonNode.Parse(await page.EvaluateAsync<string>("() => window.selfref.editorText()"))!.AsObject();

    [Fact]
    public async Task A_researcher_makes_a_three_condition_pen_experiment_from_a_template_fixes_an_inline_error_previews_it_and_a_participant_takes_it()
    {
        await using var context = await fixture.NewContext();
        var page = await context.OpenDashboard();
        var problems = new List<string>();
        page.PageError += (_, e) => problems.Add(e);
        await page.GetByRole(AriaRole.Link, new() { Name = "New experiment" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New experiment" })).ToBeVisibleAsync();

        // The template is the shipped pen experiment: its id is taken, which the form says beside the id field.
        await Assertions.Expect(page.GetByLabel("Start from")).ToHaveValueAsync("gallup-pen", new() { Timeout = 20_000 });
        await Assertions.Expect(InlineError(page, "root.id")).ToContainTextAsync("experiment id 'gallup-pen' is already used", Checked);
        await Assertions.Expect(page.Locator("#problem-list")).ToContainTextAsync("$.id: experiment id 'gallup-pen' is already used");
        await page.AssertNoSeriousAccessibilityProblem("the editor showing an error");
        await Field(page, "root.id").FillAsync("pen-three");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.Locator("#problems-none")).ToBeVisibleAsync(new() { Timeout = 20_000 });

        // Three conditions, added in the form with the keyboard; one id typed wrongly is named beside its field, then fixed.
        await page.Locator("div[data-schemapath='root'] > .je-object__controls").GetByRole(AriaRole.Button, new() { Name = "Object Properties" }).ClickAsync();
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "conditions", Exact = true }).CheckAsync();
        await page.Locator("div[data-schemapath='root'] > .je-object__controls").GetByRole(AriaRole.Button, new() { Name = "Object Properties" }).ClickAsync();
        var add = page.GetByRole(AriaRole.Button, new() { Name = "Add Condition", Exact = true });
        foreach (var (index, id) in new[] { (0, "plain"), (1, "Warm"), (2, "brief") })
        {
            await add.FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            await Field(page, $"root.conditions.{index}.id").FillAsync(id);
            await page.Keyboard.PressAsync("Tab");
        }
        // (The message is validate's; only where it shows is this test's business.)
        await Assertions.Expect(InlineError(page, "root.conditions.1.id")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#problem-list li")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save" })).ToBeEnabledAsync();
        await Field(page, "root.conditions.1.id").FillAsync("warm");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.Locator("#problems-none")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(InlineError(page, "root.conditions.1.id")).ToHaveCountAsync(0);

        // Reordered: the third condition moved up.
        await page.Locator("[data-schemapath='root.conditions'] button.moveup[data-i='2']:visible").ClickAsync();
        await Assertions.Expect(Field(page, "root.conditions.1.id")).ToHaveValueAsync("brief");

        // The code view shows what the form made; a change typed there shows in the form.
        var draft = await EditorText(page);
        Assert.Equal(["plain", "brief", "warm"], draft["conditions"]!.AsArray().Select(c => (string)c!["id"]!));
        var pen = draft["steps"]!.AsArray().Single(s => (string)s!["type"]! == "pen")!;
        pen["instruction"]!["en"] = "Try the pen, as you like.";
        await page.Locator("#code .cm-content").ClickAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.InsertTextAsync(draft.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        await Assertions.Expect(Field(page, "root.steps.2.instruction.en")).ToHaveValueAsync("Try the pen, as you like.");
        await Assertions.Expect(Field(page, "root.steps.2.instruction.de")).ToHaveValueAsync("Probieren Sie den Stift aus.");

        // Save: the file is written into the experiments folder and served as the new experiment's first version.
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("#editor-status")).ToContainTextAsync("Saved pen-three.json as version", Checked);
        Assert.EndsWith("/researcher/experiments/pen-three/edit", page.Url);
        var served = fixture.Catalog.Current("pen-three")!;
        Assert.Equal(["plain", "brief", "warm"], served.Conditions.Select(c => c.Id));
        Assert.Equal(fixture.Catalog.History("pen-three")!.CurrentVersion!.Hash, ExperimentVersion.HashOf(await File.ReadAllTextAsync(fixture.Folder.File("pen-three"))));

        // Preview: a pilot run of the saved version in a frame of the editor.
        await page.GetByLabel("Preview in").SelectOptionAsync("en");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        var frame = page.FrameLocator("#preview-frame");
        await frame.GetByRole(AriaRole.Button, new() { Name = "I agree and take part" }).ClickAsync();
        await frame.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(frame.GetByRole(AriaRole.Heading, new() { Name = "Try the pen, as you like." })).ToBeVisibleAsync();
        Assert.Single(fixture.Server.Store.SessionsOf("pen-three"), s => s.Pilot);
        await page.AssertNoSeriousAccessibilityProblem("the editor after saving, with its preview");

        // A participant takes it through the participant link the editor shows.
        var link = await page.Locator("#participant-link").GetAttributeAsync("href");
        Assert.Equal($"{fixture.BaseUrl}/s/pen-three", link);
        await using var participantContext = await fixture.NewContext();
        var participant = await participantContext.NewPageAsync();
        await participant.GotoAsync(link + "?lang=en");
        await participant.GetByRole(AriaRole.Button, new() { Name = "I agree and take part" }).ClickAsync();
        await participant.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(participant.GetByRole(AriaRole.Heading, new() { Name = "Try the pen, as you like." })).ToBeVisibleAsync();
        var sheet = (await participant.Locator("#pen-sheet").BoundingBoxAsync())!;
        await participant.Mouse.MoveAsync(sheet.X + 40, sheet.Y + 60);
        await participant.Mouse.DownAsync();
        await participant.Mouse.MoveAsync(sheet.X + 90, sheet.Y + 40, new() { Steps = 4 });
        await participant.Mouse.UpAsync();
        await participant.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await participant.GetByLabel("Your first name").FillAsync("Ada");
        await participant.GetByLabel("Your surname").FillAsync("Lovelace");
        await participant.GetByLabel("Your age in years").FillAsync("36");
        await participant.GetByRole(AriaRole.Radio, new() { Name = "right" }).CheckAsync();
        await participant.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Assertions.Expect(participant.GetByRole(AriaRole.Heading, new() { Name = "Thank you!" })).ToBeVisibleAsync();
        await participant.AllSaved();
        var session = fixture.Session(participant);
        Assert.False(session.Pilot);
        Assert.Equal(SessionStatus.Completed, session.Status);
        Assert.Contains(session.ConditionId, new[] { "plain", "brief", "warm" });
        Assert.Equal(fixture.Catalog.History("pen-three")!.CurrentVersion!.Hash, session.Version);
        Assert.Empty(problems);
    }

    [Fact]
    public async Task The_edit_page_of_a_running_experiment_opens_its_file_and_passes_the_accessibility_check()
    {
        await using var context = await fixture.NewContext();
        var page = await context.OpenDashboard();
        await page.Open("/researcher/experiments/gallup-pen");
        await page.GetByRole(AriaRole.Link, new() { Name = "Edit the experiment" }).ClickAsync();
        await Assertions.Expect(page.Locator("#editor-status")).ToContainTextAsync("Editing gallup-pen.json.", Checked);
        await Assertions.Expect(Field(page, "root.id")).ToHaveValueAsync("gallup-pen");
        await Assertions.Expect(page.Locator("#problems-none")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        Assert.Equal(await File.ReadAllTextAsync(fixture.Folder.File("gallup-pen")), await page.EvaluateAsync<string>("() => window.selfref.editorText()"));
        // Keyboard: the code view is one stop in the tab order, and Tab leaves it.
        await page.Locator("#code .cm-content").FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        Assert.False(await page.EvaluateAsync<bool>("() => document.activeElement.classList.contains('cm-content')"), "Tab did not leave the code view");
        await page.AssertNoSeriousAccessibilityProblem("the edit page");
    }
}
