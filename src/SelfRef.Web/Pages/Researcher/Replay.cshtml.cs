using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Tasks.Map;
using SelfRef.Core.Tasks.Pen;

namespace SelfRef.Web.Pages.Researcher;

/// <summary>A task step replayed with its real timing: the pen sheet stroke by stroke, or the map's viewport over time.</summary>
public sealed class ReplayModel(IStore store, SessionService sessions) : PageModel
{
    public string SessionId { get; private set; } = "";
    public string StepId { get; private set; } = "";
    public string Kind { get; private set; } = "";

    public IActionResult OnGet(string sessionId, string stepId)
    {
        if (store.FindSession(sessionId) is not { } session || sessions.History(session.ExperimentId) is null) return NotFound();
        if (!session.Steps.Contains(stepId)) return NotFound();
        // The step as the session's own version defines it.
        Kind = sessions.ExperimentOf(session).Steps.FirstOrDefault(s => s.Id == stepId) switch
        {
            PenStep { Input: PenInput.Pen } => "pen",
            MapStep => "map",
            _ => "",
        };
        if (Kind == "") return NotFound();
        (SessionId, StepId) = (sessionId, stepId);
        return Page();
    }
}
