using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Tasks.Pen;
using SelfRef.Stats.Outcomes;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

public sealed class ExperimentModel(SessionService sessions, IStore store, IServiceProvider services) : PageModel
{
    public string Id { get; private set; } = "";
    public string Title { get; private set; } = "";
    public bool HasHandwriting { get; private set; }
    public IReadOnlyList<OutcomeRow> Rows { get; private set; } = [];
    /// <summary>The anonymous log of withdrawals: the study's record of who left, without who.</summary>
    public IReadOnlyList<DeletionRecord> Deletions { get; private set; } = [];

    public IActionResult OnGet(string id)
    {
        if (sessions.Experiment(id) is not { } experiment) return NotFound();
        Id = experiment.Id;
        Title = experiment.Title.In(experiment.Languages[0].Code());
        HasHandwriting = experiment.Steps.Any(s => StepTypes.TaskOf(s)?.NeedsCoding(s) == true);
        Rows = ExperimentAnalysis.Of(experiment, store, services).Rows;
        Deletions = store.Deletions().Where(d => d.ExperimentId == experiment.Id).ToList();
        return Page();
    }
}
