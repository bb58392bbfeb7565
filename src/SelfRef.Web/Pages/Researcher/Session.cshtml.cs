using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Stats.Outcomes;

using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

/// <summary>
/// One session, shown by the version of the experiment it ran on: its steps with times and event
/// counts, its answers and outcome rows, links to replay its tasks, and its exclusion from the
/// analysis (with a reason) or its restoring.
/// </summary>
[Authorize(Policy = Policies.Researcher)]
public sealed class SessionModel(IStore store, SessionService sessions) : PageModel
{
    public sealed record StepRow(int Index, string Id, string Type, DateTime? EnteredAt, DateTime? LeftAt, int Events, string? ReplayUrl, string? TypedText, bool Current)
    {
        public TimeSpan? Duration => EnteredAt is { } entered && LeftAt is { } left ? left - entered : null;
    }

    public Session Session { get; private set; } = null!;
    public string ExperimentTitle { get; private set; } = "";
    public ExperimentVersion? Version { get; private set; }
    public bool CurrentVersion { get; private set; }
    public IReadOnlyList<StepRow> Steps { get; private set; } = [];
    public IReadOnlyList<OutcomeRow> Outcomes { get; private set; } = [];
    public int EventCount { get; private set; }
    public string? Error { get; private set; }
    [BindProperty] public string? Reason { get; set; }

    public IActionResult OnGet(string id) => Load(id) ? Page() : NotFound();

    public Task<IActionResult> OnPostExcludeAsync(string id) => SetExclusion(id, exclude: true);

    public Task<IActionResult> OnPostRestoreAsync(string id) => SetExclusion(id, exclude: false);

    private async Task<IActionResult> SetExclusion(string id, bool exclude)
    {
        if (store.FindSession(id) is not { } session) return NotFound();
        try
        {
            await sessions.SetExclusion(session.ExperimentId, [session.Id], exclude ? Reason ?? "" : null, User.Identity?.Name ?? "");
            return Redirect($"/researcher/sessions/{Uri.EscapeDataString(id)}");
        }
        catch (SessionException e)
        {
            Error = e.Message;
            Load(id);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
    }

    private bool Load(string id)
    {
        if (store.FindSession(id) is not { } session || sessions.History(session.ExperimentId) is not { } history) return false;
        var experiment = history.ExperimentOf(session);
        Session = session;
        Version = history.VersionOf(session);
        CurrentVersion = Version is not null && Version.Hash == history.CurrentVersion?.Hash;
        ExperimentTitle = experiment.Title.In(experiment.Languages[0]);
        // One read of the session's events serves the counts, the typed text and the outcome rows.
        var batches = store.Events(id);
        EventCount = batches.Sum(b => b.Events.Count);
        Steps = session.Steps.Select((stepId, index) =>
        {
            // The step as the session's version defines it; a step no version known here has is still listed.
            var step = experiment.Steps.FirstOrDefault(s => s.Id == stepId);
            var visit = session.Visits.FirstOrDefault(v => v.StepId == stepId);
            var events = StepEvents.Of(batches, stepId);
            var task = step is null ? null : StepTypes.TaskOf(step);
            // A task with a replay module, once something beyond the step's onset happened in it.
            var replay = task?.ReplayModule(step!) is not null && events.Any(e => e.Type != CommonEvents.Onset && e.Type != "ui.click" && e.Type != "page.visibility")
                ? $"/researcher/sessions/{id}/steps/{stepId}/replay" : null;
            var typed = task?.WrittenText(step!, events);
            return new StepRow(index + 1, stepId, step is null ? "unknown" : StepTypes.Of(step).Name, visit?.EnteredAt, visit?.LeftAt,
                batches.Where(b => b.Step == stepId).Sum(b => b.Events.Count), replay, typed, session.IsOpen && index == session.StepIndex);
        }).ToList();
        if (session.Status != SessionStatus.Declined)
            Outcomes = OutcomeDerivation.Rows(history, [session]).ToList();
        return true;
    }

    public static string Time(DateTime? at) => at is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss") + " UTC" : "—";
}
