using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Web.Hosting;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

public sealed class LoginModel(ResearcherAccounts accounts, LoginThrottle throttle) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty] public new string? User { get; set; }
    public bool Failed { get; private set; }
    /// <summary>Set when attempts for this name or from this address are refused for now.</summary>
    public DateTimeOffset? LockedUntil { get; private set; }

    public async Task<IActionResult> OnPostAsync(string? password)
    {
        // The client, also behind a configured reverse proxy (see ClientAddresses); an IPv6 client by its /64.
        var address = ClientAddresses.Key(HttpContext.Connection.RemoteIpAddress);
        // A locked name or address is refused before the password is looked at.
        if (throttle.LockedUntil(User ?? "", address) is { } until)
        {
            LockedUntil = until;
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }
        if (string.IsNullOrEmpty(User) || string.IsNullOrEmpty(password) || !accounts.Verify(User, password))
        {
            throttle.Failed(User ?? "", address);
            Failed = true;
            return Page();
        }
        throttle.Succeeded(User);
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, User)], CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        // Only a local address: a login link must not send the researcher elsewhere.
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/researcher");
    }
}
