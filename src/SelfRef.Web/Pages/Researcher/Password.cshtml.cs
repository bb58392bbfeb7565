using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Storage;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

/// <summary>Everyone changes their own password, knowing the current one; this login continues, others end.</summary>
[Authorize(Policy = Policies.Account)]
public sealed class PasswordModel(ResearcherAccounts accounts, IStore store) : PageModel
{
    public string? Done { get; private set; }
    public string? Error { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(string? current, string? password, string? repeat)
    {
        var user = User.Identity?.Name ?? "";
        try
        {
            if (password != repeat) throw new AccountException("the new password and its repetition differ");
            await accounts.ChangeOwnPassword(user, current ?? "", password ?? "");
            // The new stamp ends every login of the account: sign this one in again with it.
            await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, Policies.Principal(store.FindAccount(user)!, CookieAuthenticationDefaults.AuthenticationScheme));
            Done = "Your password is changed. Other logins of your account have ended.";
        }
        catch (AccountException e)
        {
            Error = e.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        return Page();
    }
}
