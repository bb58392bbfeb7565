using SelfRef.Tests.Support;

namespace SelfRef.EndToEnd.Tests.Support;

public static class ResearcherPages
{
    /// <summary>A researcher logged in, on the dashboard.</summary>
    public static async Task<IPage> OpenDashboard(this IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/researcher");
        await page.GetByLabel("User name").FillAsync("researcher");
        await page.GetByLabel("Password").FillAsync(SelfRefFactory.ResearcherPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Experiments", Exact = true })).ToBeVisibleAsync();
        return page;
    }

    /// <summary>Opens a researcher page and fails, naming the page and what it answered, unless it answers 200.</summary>
    public static async Task<IResponse> Open(this IPage page, string path)
    {
        var response = await page.GotoAsync(path);
        Assert.True(response is { Status: 200 }, $"{path} answered {response?.Status}: {(response is null ? "" : Shorten(await response.TextAsync()))}");
        return response!;
    }

    /// <summary>A download the researcher's browser fetches with its own cookies (a zip or a CSV), failing unless it answers 200.</summary>
    public static async Task<byte[]> Fetch(this IBrowserContext context, string path)
    {
        var response = await context.APIRequest.GetAsync(path);
        Assert.True(response.Status == 200, $"{path} answered {response.Status}: {Shorten(await response.TextAsync())}");
        return await response.BodyAsync();
    }

    /// <summary>Every text file of a zip, by name.</summary>
    public static IReadOnlyDictionary<string, string> ZipTexts(byte[] zip)
    {
        using var archive = new System.IO.Compression.ZipArchive(new MemoryStream(zip));
        return archive.Entries.Where(e => e.Length > 0).ToDictionary(e => e.FullName, e =>
        {
            using var reader = new StreamReader(e.Open());
            return reader.ReadToEnd();
        });
    }

    private static string Shorten(string text)
    {
        var flat = System.Text.RegularExpressions.Regex.Replace(text, "\\s+", " ");
        return flat.Length > 400 ? flat[..400] : flat;
    }
}
