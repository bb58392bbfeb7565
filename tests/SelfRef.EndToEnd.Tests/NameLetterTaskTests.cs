using System.Globalization;
using System.Text.Json;
using SelfRef.Core.Events;
using SelfRef.Core.Sessions;
using SelfRef.Core.Tasks.NameLetters;
using SelfRef.EndToEnd.Tests.Support;

namespace SelfRef.EndToEnd.Tests;

/// <summary>
/// The name-letter task (experiments/name-letters.json) in Chromium: a participant picks letters
/// from the shuffled grid with the keyboard (desktop) or a finger (phone), in German or English,
/// gives their name afterwards, and the researcher sees the first pick judged against it with the
/// participant's own chance.
/// </summary>
public class NameLetterTaskTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Step = "letters";

    private sealed record Words(string Locale, string Agree, string Continue, string Instruction, string FirstName, string Surname, string Age, string Thanks);

    private static readonly Words German = new("de-DE", "Ich bin einverstanden und nehme teil", "Weiter",
        "Wählen Sie bis zu sechs Buchstaben aus, die Ihnen am besten gefallen.", "Ihr Vorname", "Ihr Nachname", "Ihr Alter in Jahren", "Vielen Dank!");
    private static readonly Words English = new("en-GB", "I agree and take part", "Continue",
        "Pick up to six letters that you like best.", "Your first name", "Your surname", "Your age in years", "Thank you!");

    /// <summary>
    /// One participant: who they are, the letters they pick in this order (the first decides), the
    /// letter they let go again afterwards (or none), and what the researcher should then see.
    /// </summary>
    public sealed record Walk(string Language, bool Phone, string FirstName, string Surname, string[] Picks, string? LetGo, bool SelfReference, string Detail)
    {
        public override string ToString() => $"{Language}{(Phone ? " phone" : "")}: {FirstName} {Surname} picks {string.Join("", Picks)}";
    }

    public static TheoryData<Walk> Walks() => new()
    {
        // The first pick is the surname's initial; six picks fill the grid's limit, one is let go.
        new Walk("en", false, "Anna", "Berg", ["B", "K", "A", "Q", "Z", "M"], "K", true, "initial of the surname"),
        // The first pick is no initial of Jonas Weber's, though his initials follow.
        new Walk("de", false, "Jonas", "Weber", ["K", "J", "W"], null, false, "not an initial"),
        // On a phone, tapped: O is the initial of Özlem once the umlaut is folded away.
        new Walk("de", true, "Özlem", "Yılmaz", ["O", "E", "Y", "T"], "E", true, "initial of the first name"),
    };

    [Theory]
    [MemberData(nameof(Walks))]
    public async Task A_participant_picks_letters_and_the_first_pick_is_judged_against_the_name_given_later(Walk walk)
    {
        var words = walk.Language == "de" ? German : English;
        await using var context = await fixture.NewContext(words.Locale, walk.Phone);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/s/name-letters");
        await page.GetByRole(AriaRole.Button, new() { Name = words.Agree }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = words.Continue }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = words.Instruction })).ToBeVisibleAsync();
        Assert.Equal(walk.Language, await page.GetAttributeAsync("html", "lang"));
        var grid = page.GetByRole(AriaRole.Group, new() { Name = words.Instruction });
        var letters = grid.GetByRole(AriaRole.Button);
        await Assertions.Expect(letters).ToHaveCountAsync(26);
        var shown = (await letters.AllTextContentsAsync()).Select(l => l.Trim()).ToList();
        Assert.Equal("ABCDEFGHIJKLMNOPQRSTUVWXYZ", string.Concat(shown.Order(StringComparer.Ordinal)));
        var next = page.GetByRole(AriaRole.Button, new() { Name = words.Continue });
        await Assertions.Expect(next).ToBeDisabledAsync();
        await page.AssertNoSeriousAccessibilityProblem($"letter grid ({walk.Language}{(walk.Phone ? ", phone" : "")})");
        if (walk.Phone) await AssertFitsTheScreen(page, grid, next);

        foreach (var letter in walk.Picks) await Press(page, grid, letter, walk.Phone);
        foreach (var letter in walk.Picks)
            await Assertions.Expect(grid.GetByRole(AriaRole.Button, new() { Name = letter, Exact = true })).ToHaveAttributeAsync("aria-pressed", "true");
        if (walk.Picks.Length == 6)
        {
            // The step allows six: the other letters cannot be picked until one is let go.
            var other = shown.First(l => !walk.Picks.Contains(l));
            await Assertions.Expect(grid.GetByRole(AriaRole.Button, new() { Name = other, Exact = true })).ToBeDisabledAsync();
            await page.AssertNoSeriousAccessibilityProblem("letter grid with six letters picked");
        }
        if (walk.LetGo is { } letGo)
        {
            await Press(page, grid, letGo, walk.Phone);
            await Assertions.Expect(grid.GetByRole(AriaRole.Button, new() { Name = letGo, Exact = true })).ToHaveAttributeAsync("aria-pressed", "false");
        }
        var picked = walk.Picks.Where(l => l != walk.LetGo).ToList();
        await Assertions.Expect(next).ToBeEnabledAsync();
        if (walk.Phone) await next.TapAsync();
        else
        {
            await FocusWithTab(page, "() => document.activeElement?.id === 'continue'", "the continue button");
            await page.Keyboard.PressAsync("Enter");
        }

        await page.GetByLabel(words.FirstName).FillAsync(walk.FirstName);
        await page.GetByLabel(words.Surname).FillAsync(walk.Surname);
        await page.GetByLabel(words.Age).FillAsync("29");
        await page.GetByRole(AriaRole.Button, new() { Name = words.Continue }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = words.Thanks })).ToBeVisibleAsync();
        await page.AllSaved();

        // Every pick arrived as an event, in order, with its letter, its place in the grid and the pointer.
        var session = fixture.Session(page);
        Assert.Equal(SessionStatus.Completed, session.Status);
        await fixture.AssertEveryEventStoredOnce(page);
        var events = fixture.Timeline(page, Step);
        var gridEvent = Assert.Single(NameLettersEvents.Grids(events));
        Assert.Equal(shown, gridEvent.Letters);
        Assert.Equal(6, gridEvent.Columns);
        var picks = NameLettersEvents.Picks(events).ToList();
        var expected = walk.Picks.Select(l => (true, l)).Concat(walk.LetGo is null ? [] : [(false, walk.LetGo)]).ToList();
        Assert.Equal(expected, picks.Select(p => (p.Picked, p.Letter)).ToList());
        Assert.All(picks, p => Assert.Equal(shown.IndexOf(p.Letter), p.Index));
        Assert.All(picks, p => Assert.Equal(walk.Phone ? "touch" : "keyboard", p.Pointer));
        Assert.Equal(picks.Select(p => p.T).Order(), picks.Select(p => p.T));

        // The outcome stored with the session: the first pick, judged against the name given later, with this person's chance.
        var stored = session.Outcomes[Step];
        Assert.Equal(NameLettersTask.Type.RuleVersion, stored.Rule);
        Assert.Equal(walk.Picks[0], stored.Columns["first_letter"]);
        Assert.Equal(walk.SelfReference, stored.SelfReference);
        Assert.Equal(walk.Detail, stored.MatchDetail);
        Assert.Null(stored.MissingReason);
        Assert.Equal(picks[0].T, stored.LatencyMs);
        Assert.True(stored.LatencyMs > 0, $"latency {stored.LatencyMs} ms");
        Assert.Equal(walk.Phone ? "touch" : "keyboard", stored.PointerType);
        // Two initials (one of each name) among 26 letters.
        var chance = 2.0 / 26;
        Assert.Equal(chance, double.Parse(stored.Columns["chance"]!, CultureInfo.InvariantCulture), 12);
        Assert.Equal("26", stored.Columns["letters_shown"]);
        Assert.Equal(picked.Count.ToString(CultureInfo.InvariantCulture), stored.Columns["picks"]);

        // The researcher's experiment page and outcome table say the same; the first letter (it gives the name away) stays out.
        var researcher = await context.NewPageAsync();
        await researcher.GotoAsync("/researcher/experiments/name-letters");
        await researcher.GetByLabel("User name").FillAsync("researcher");
        await researcher.GetByLabel("Password").FillAsync(SelfRef.Tests.Support.SelfRefFactory.ResearcherPassword);
        await researcher.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        var row = researcher.GetByRole(AriaRole.Row).Filter(new() { HasText = session.Id });
        await Assertions.Expect(row).ToContainTextAsync(walk.SelfReference ? "yes" : "no");
        await Assertions.Expect(row).ToContainTextAsync(walk.Detail);
        await Assertions.Expect(row).ToContainTextAsync("chance 0.077 probability");
        await Assertions.Expect(row).ToContainTextAsync(walk.Phone ? "phone" : "desktop");

        var csv = await researcher.APIRequest.GetAsync("/researcher/experiments/name-letters/outcomes.csv");
        Assert.Equal(200, csv.Status);
        var table = Csv(await csv.TextAsync());
        Assert.DoesNotContain("first_letter", table.Header);
        var line = Assert.Single(table.Rows, r => r["participant"] == session.Id);
        Assert.Equal("name-letters", line["task"]);
        Assert.Equal(walk.SelfReference ? "1" : "0", line["self_reference"]);
        Assert.Equal(walk.Detail, line["match_detail"]);
        Assert.Equal(chance, double.Parse(line["chance"], CultureInfo.InvariantCulture), 12);
        Assert.Equal(picks[0].T, double.Parse(line["latency_ms"], CultureInfo.InvariantCulture), 1);
    }

    [Fact]
    public async Task A_reload_or_a_second_tab_shows_the_same_grid_with_the_same_letters_picked_and_logs_no_pick_again()
    {
        await using var context = await fixture.NewContext();
        var page = await context.OpenFirstTask("name-letters");
        var grid = page.GetByRole(AriaRole.Group, new() { Name = English.Instruction });
        await Assertions.Expect(grid.GetByRole(AriaRole.Button)).ToHaveCountAsync(26);
        var before = await grid.GetByRole(AriaRole.Button).AllTextContentsAsync();
        await Press(page, grid, "R", phone: false);
        await Press(page, grid, "S", phone: false);
        await page.AllSaved();

        await page.ReloadAsync();
        await Assertions.Expect(grid.GetByRole(AriaRole.Button)).ToHaveCountAsync(26);
        Assert.Equal(before, await grid.GetByRole(AriaRole.Button).AllTextContentsAsync());
        foreach (var letter in new[] { "R", "S" })
            await Assertions.Expect(grid.GetByRole(AriaRole.Button, new() { Name = letter, Exact = true })).ToHaveAttributeAsync("aria-pressed", "true");
        // A second tab of the session shows them too, from this device's copy of the step's events.
        var tab = await context.NewPageAsync();
        await tab.GotoAsync(page.Url);
        var tabGrid = tab.GetByRole(AriaRole.Group, new() { Name = English.Instruction });
        await Assertions.Expect(tabGrid.GetByRole(AriaRole.Button)).ToHaveCountAsync(26);
        Assert.Equal(before, await tabGrid.GetByRole(AriaRole.Button).AllTextContentsAsync());
        foreach (var letter in new[] { "R", "S" })
            await Assertions.Expect(tabGrid.GetByRole(AriaRole.Button, new() { Name = letter, Exact = true })).ToHaveAttributeAsync("aria-pressed", "true");
        await page.AllSaved();
        await tab.AllSaved();
        var events = fixture.Timeline(page, Step);
        Assert.Equal(["R", "S"], NameLettersEvents.Picks(events).Select(p => p.Letter));
        Assert.Equal(3, NameLettersEvents.Grids(events).Count());
        // Each page load logs the grid it shows: the same order every time.
        Assert.All(NameLettersEvents.Grids(events), g => Assert.Equal(before.Select(l => l.Trim()), g.Letters));
    }

    /// <summary>Picks or lets go a letter as the participant does: a tap on a phone; on a desktop, Tab to it and Space.</summary>
    private static async Task Press(IPage page, ILocator grid, string letter, bool phone)
    {
        var button = grid.GetByRole(AriaRole.Button, new() { Name = letter, Exact = true });
        if (phone)
        {
            await button.TapAsync();
            return;
        }
        var shown = (await grid.GetByRole(AriaRole.Button).AllTextContentsAsync()).Select(l => l.Trim()).ToList();
        await FocusWithTab(page, $"() => document.activeElement?.classList.contains('letter') && document.activeElement.textContent.trim() === {JsonSerializer.Serialize(letter)}",
            $"the letter {letter}", backwards: async () =>
            {
                var focused = await page.EvaluateAsync<string?>("() => document.activeElement?.classList.contains('letter') ? document.activeElement.textContent.trim() : null");
                return focused is not null && shown.IndexOf(focused) > shown.IndexOf(letter);
            });
        await page.Keyboard.PressAsync("Space");
    }

    /// <summary>Presses Tab (Shift+Tab while <paramref name="backwards"/> says the target is behind) until the condition holds: the element can be reached by keyboard.</summary>
    private static async Task FocusWithTab(IPage page, string condition, string what, Func<Task<bool>>? backwards = null)
    {
        for (var presses = 0; presses < 80; presses++)
        {
            if (await page.EvaluateAsync<bool>(condition)) return;
            await page.Keyboard.PressAsync(backwards is not null && await backwards() ? "Shift+Tab" : "Tab");
        }
        Assert.Fail($"{what} cannot be reached with Tab: focus is on {await page.EvaluateAsync<string>("() => document.activeElement?.outerHTML ?? 'nothing'")}");
    }

    /// <summary>On a phone every letter and the continue button lie within the screen's width, none narrower than a finger (44 CSS px).</summary>
    private static async Task AssertFitsTheScreen(IPage page, ILocator grid, ILocator next)
    {
        var width = await page.EvaluateAsync<double>("() => innerWidth");
        Assert.True(await page.EvaluateAsync<double>("() => document.documentElement.scrollWidth") <= width, "the letter page scrolls sideways on a phone");
        foreach (var button in await grid.GetByRole(AriaRole.Button).AllAsync())
        {
            var box = (await button.BoundingBoxAsync())!;
            Assert.True(box.X >= 0 && box.X + box.Width <= width, $"letter {await button.TextContentAsync()} is cut off at {box.X:F0}–{box.X + box.Width:F0} of {width} px");
            Assert.True(box.Width >= 44 && box.Height >= 44, $"letter {await button.TextContentAsync()} is {box.Width:F0}×{box.Height:F0} px, smaller than a finger");
        }
        var continueBox = (await next.BoundingBoxAsync())!;
        Assert.True(continueBox.X + continueBox.Width <= width, "the continue button is cut off on a phone");
    }

    private sealed record Table(IReadOnlyList<string> Header, IReadOnlyList<Dictionary<string, string>> Rows);

    /// <summary>The outcome CSV as written (RFC 4180 quoting; no line breaks inside cells in this table).</summary>
    private static Table Csv(string text)
    {
        static List<string> Cells(string line)
        {
            var cells = new List<string>();
            var cell = new System.Text.StringBuilder();
            var quoted = false;
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = !quoted;
                else if (c == ',' && !quoted) { cells.Add(cell.ToString()); cell.Clear(); }
                else cell.Append(c);
            }
            cells.Add(cell.ToString());
            return cells;
        }
        var lines = text.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        var header = Cells(lines[0]);
        var rows = lines.Skip(1).Select(Cells).Select(cells => header.Zip(cells).ToDictionary(p => p.First, p => p.Second)).ToList();
        return new Table(header, rows);
    }
}
