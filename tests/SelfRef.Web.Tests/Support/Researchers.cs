using System.Net;
using System.Text.RegularExpressions;

namespace SelfRef.Tests.Support;

/// <summary>A researcher's browser: a cookie-keeping client, logged in through the real form.</summary>
public static partial class Researchers
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public static string Antiforgery(string page) => AntiforgeryField().Match(page).Groups[1].Value;

    public static async Task<HttpClient> LoggedIn(this SelfRefFactory factory, string user = "researcher", string password = SelfRefFactory.ResearcherPassword)
    {
        var client = factory.CreateClient();
        var form = await client.GetStringAsync("/researcher/login");
        var response = await client.PostAsync("/researcher/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["user"] = user, ["password"] = password, ["__RequestVerificationToken"] = Antiforgery(form),
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Log out", await response.Content.ReadAsStringAsync());
        return client;
    }
}
