using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;

using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

/// <summary>A task step replayed with its real timing, by the browser module its task type names (e.g. the pen sheet stroke by stroke, the map's viewport over time).</summary>
[Authorize(Policy = Policies.Researcher)]
public sealed class ReplayModel(IStore store, SessionService sessions) : PageModel
{
    public string SessionId { get; private set; } = "";
    public string StepId { get; private set; } = "";
    /// <summary>The task type's name.</summary>
    public string Kind { get; private set; } = "";
    /// <summary>The replay module's path (<see cref="Core.Tasks.TaskType.ReplayModule"/>).</summary>
    public string Module { get; private set; } = "";

    public IActionResult OnGet(string sessionId, string stepId)
    {
        if (store.FindSession(sessionId) is not { } session || sessions.History(session.ExperimentId) is null) return NotFound();
        if (!session.Steps.Contains(stepId)) return NotFound();
        // The step as the session's own version defines it.
        if (sessions.ExperimentOf(session).Steps.FirstOrDefault(s => s.Id == stepId) is not { } step) return NotFound();
        if (StepTypes.TaskOf(step) is not { } task || task.ReplayModule(step) is not { } module) return NotFound();
        (SessionId, StepId, Kind, Module) = (sessionId, stepId, task.Name, module);
        return Page();
    }
}
