using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Stats.Outcomes;

namespace SelfRef.Web.Pages.Researcher;

/// <summary>One session: its steps with times and event counts, its answers and outcome rows, and links to replay its tasks.</summary>
public sealed class SessionModel(IStore store, SessionService sessions) : PageModel
{
    public sealed record StepRow(int Index, string Id, string Type, DateTime? EnteredAt, DateTime? LeftAt, int Events, string? ReplayUrl, string? TypedText, bool Current)
    {
        public TimeSpan? Duration => EnteredAt is { } entered && LeftAt is { } left ? left - entered : null;
    }

    public Session Session { get; private set; } = null!;
    public string ExperimentTitle { get; private set; } = "";
    public IReadOnlyList<StepRow> Steps { get; private set; } = [];
    public IReadOnlyList<OutcomeRow> Outcomes { get; private set; } = [];
    public int EventCount { get; private set; }

    public IActionResult OnGet(string id)
    {
        if (store.FindSession(id) is not { } session || sessions.Experiment(session.ExperimentId) is not { } experiment) return NotFound();
        Session = session;
        ExperimentTitle = experiment.Title.In(experiment.Languages[0].Code());
        // One read of the session's events serves the counts, the typed text and the outcome rows.
        var batches = store.Events(id);
        EventCount = batches.Sum(b => b.Events.Count);
        Steps = session.Steps.Select((stepId, index) =>
        {
            var step = experiment.Step(stepId);
            var visit = session.Visits.FirstOrDefault(v => v.StepId == stepId);
            var events = StepEvents.Of(batches, stepId);
            var task = StepTypes.TaskOf(step);
            // A task with a replay module, once something beyond the step's onset happened in it.
            var replay = task?.ReplayModule(step) is not null && events.Any(e => e.Type != CommonEvents.Onset && e.Type != "ui.click" && e.Type != "page.visibility")
                ? $"/researcher/sessions/{id}/steps/{stepId}/replay" : null;
            var typed = task?.WrittenText(step, events);
            return new StepRow(index + 1, stepId, StepTypes.Of(step).Name, visit?.EnteredAt, visit?.LeftAt,
                batches.Where(b => b.Step == stepId).Sum(b => b.Events.Count), replay, typed, session.IsOpen && index == session.StepIndex);
        }).ToList();
        if (session.Status != SessionStatus.Declined)
            Outcomes = OutcomeDerivation.Rows(experiment, [session]).ToList();
        return Page();
    }

    public static string Time(DateTime? at) => at is { } t ? t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss") + " UTC" : "—";
}
