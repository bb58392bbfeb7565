using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Sessions;
using SelfRef.Web.Participant;

namespace SelfRef.Web.Pages;

/// <summary>Withdrawal after the study: the withdrawal code from the debrief deletes every record of that participant.</summary>
public sealed class WithdrawModel(SessionService sessions, UiText ui) : PageModel
{
    public string Lang { get; private set; } = "en";
    public string? Code { get; private set; }
    public bool Done { get; private set; }
    public bool CodeUnknown { get; private set; }

    public string T(string key) => ui.Get(Lang, key);

    public void OnGet(string? lang) => Lang = ui.Choose(lang, Request.Headers.AcceptLanguage);

    public async Task<IActionResult> OnPost([FromForm] string? code, [FromForm] string? lang)
    {
        Lang = ui.Choose(lang, Request.Headers.AcceptLanguage);
        if (sessions.FindByWithdrawalCode(code) is { } session)
        {
            await sessions.Withdraw(session);
            Done = true;
            return Page();
        }
        Code = code;
        CodeUnknown = true;
        Response.StatusCode = 404;
        return Page();
    }
}
