using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

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

    /// <summary>The researcher's login cookie, as a browser would hold it after the login form.</summary>
    public static async Task<string> LoginCookie(this SelfRefFactory factory, string user = "researcher", string password = SelfRefFactory.ResearcherPassword)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });
        var form = await client.GetAsync("/researcher/login");
        var antiforgeryCookie = form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).ToList();
        var request = new HttpRequestMessage(HttpMethod.Post, "/researcher/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["user"] = user, ["password"] = password, ["__RequestVerificationToken"] = Antiforgery(await form.Content.ReadAsStringAsync()),
            }),
        };
        request.Headers.Add("Cookie", string.Join("; ", antiforgeryCookie));
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("selfref.researcher=")).Split(';')[0];
    }
}
