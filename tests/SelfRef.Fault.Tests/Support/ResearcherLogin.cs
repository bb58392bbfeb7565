using System.Net;
using System.Text.RegularExpressions;

namespace SelfRef.Fault.Tests.Support;

/// <summary>A researcher's login through the form, as a browser does it, against server processes (no test host in between).</summary>
internal static partial class ResearcherLogin
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>The login form as one instance serves it, posted to another (or the same): the answer and the login cookie, if any.</summary>
    public static async Task<(HttpStatusCode Status, string? Cookie)> Post(Uri formFrom, Uri postTo, string password)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        using var form = await http.GetAsync(new Uri(formFrom, "/researcher/login"));
        var antiforgery = form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).ToList();
        var token = AntiforgeryField().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(postTo, "/researcher/login"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["user"] = "researcher", ["password"] = password, ["__RequestVerificationToken"] = token,
            }),
        };
        request.Headers.Add("Cookie", string.Join("; ", antiforgery));
        using var response = await http.SendAsync(request);
        var cookie = response.Headers.TryGetValues("Set-Cookie", out var set)
            ? set.FirstOrDefault(c => c.StartsWith("selfref.researcher=", StringComparison.Ordinal))?.Split(';')[0]
            : null;
        return (response.StatusCode, cookie);
    }
}
