using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

public sealed class LoginModel(ResearcherAccounts accounts) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty] public new string? User { get; set; }
    public bool Failed { get; private set; }

    public async Task<IActionResult> OnPostAsync(string? password)
    {
        if (string.IsNullOrEmpty(User) || string.IsNullOrEmpty(password) || !accounts.Verify(User, password))
        {
            Failed = true;
            return Page();
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, User)], CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        // Only a local address: a login link must not send the researcher elsewhere.
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/researcher");
    }
}
