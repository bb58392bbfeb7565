using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Sessions;

using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

[Authorize(Policy = Policies.Viewing)]
public sealed class LiveReportModel(SessionService sessions) : PageModel
{
    public string Id { get; private set; } = "";
    /// <summary>Whether the report analyses pilot runs too (the checkbox; left out by default).</summary>
    public bool IncludePilot { get; private set; }

    public IActionResult OnGet(string id, bool includePilot = false)
    {
        if (sessions.History(id) is null) return NotFound();
        Id = id;
        IncludePilot = includePilot;
        return Page();
    }
}
