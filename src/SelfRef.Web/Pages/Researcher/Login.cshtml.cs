using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Web.Hosting;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

public sealed class LoginModel(ResearcherAccounts accounts, LoginThrottle throttle, SelfRef.Core.Storage.IStore store) : PageModel
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
        var account = store.FindAccount(User)!;
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, Policies.Principal(account, CookieAuthenticationDefaults.AuthenticationScheme));
        // Only a local address: a login link must not send the researcher elsewhere. A coder's start is the coding queue.
        var start = account.Role == SelfRef.Core.Accounts.Role.Coder ? "/researcher/coding" : "/researcher";
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : start);
    }
}
