using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Sessions;

namespace SelfRef.Web.Pages.Researcher;

public sealed class LiveReportModel(SessionService sessions) : PageModel
{
    public string Id { get; private set; } = "";

    public IActionResult OnGet(string id)
    {
        if (sessions.History(id) is null) return NotFound();
        Id = id;
        return Page();
    }
}
