using System.IO.Compression;
using SelfRef.EndToEnd.Tests.Support;
using SelfRef.Tests.Support;

namespace SelfRef.EndToEnd.Tests;

public class ExportPageTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_researcher_downloads_an_export_and_must_confirm_to_include_identifiers()
    {
        await using var context = await fixture.NewContext();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/researcher/experiments/gallup-replication");
        await page.GetByLabel("User name").FillAsync("researcher");
        await page.GetByLabel("Password").FillAsync(SelfRefFactory.ResearcherPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Export data" })).ToBeVisibleAsync();
        await page.AssertNoSeriousAccessibilityProblem("experiment page with the export form");

        // Without identifiers the button downloads at once.
        await page.GetByLabel("JSON lines").CheckAsync();
        var plain = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download export" }).ClickAsync());
        Assert.Matches("^gallup-replication-jsonl-[0-9-]+\\.zip$", plain.SuggestedFilename);
        Assert.Contains("Identifiers: not included", Entry(await plain.PathAsync(), "codebook.md"));

        // With identifiers it asks first, and names what would leave the database.
        await page.GetByLabel("Psych-DS dataset").CheckAsync();
        await page.GetByLabel("Include identifiers", new() { Exact = false }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Download export" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Export with identifiers" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("PROLIFIC_PID", new() { Exact = false })).ToBeVisibleAsync();
        await page.AssertNoSeriousAccessibilityProblem("export confirmation page");

        await page.GetByLabel("Type the experiment id").FillAsync("gallup-pen");
        await page.GetByRole(AriaRole.Button, new() { Name = "with identifiers" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not the experiment id");

        await page.GetByLabel("Type the experiment id").FillAsync("gallup-replication");
        var confirmed = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "with identifiers" }).ClickAsync());
        Assert.Matches("^gallup-replication-psych-ds-with-identifiers-[0-9-]+\\.zip$", confirmed.SuggestedFilename);
        var path = await confirmed.PathAsync();
        Assert.Contains("Identifiers: INCLUDED", Entry(path, "README.md"));
        Assert.Contains("\"@type\": \"Dataset\"", Entry(path, "dataset_description.json"));
    }

    private static string Entry(string zipPath, string name)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        using var reader = new StreamReader(zip.GetEntry(name)?.Open() ?? throw new Xunit.Sdk.XunitException($"the zip has no {name}; it has {string.Join(", ", zip.Entries.Select(e => e.FullName))}"));
        return reader.ReadToEnd();
    }
}
