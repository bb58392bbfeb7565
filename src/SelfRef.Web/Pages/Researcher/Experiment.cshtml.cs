using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Stats.Outcomes;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

/// <summary>
/// One experiment: its outcome table (every session by the version it ran on; excluded sessions
/// marked, pilot runs on request), its versions, the preview link for pilot runs and their bulk
/// deletion, bulk exclusion, and the withdrawal log.
/// </summary>
[Authorize(Policy = Policies.Viewing)]
[PostPolicy(Policies.Researcher)]
public sealed class ExperimentModel(SessionService sessions, IStore store) : PageModel
{
    /// <summary>A version of the file, how many sessions ran on it, and how its task steps differ from the current version's.</summary>
    public sealed record VersionRow(ExperimentVersion Version, int Sessions, bool Current, IReadOnlyList<string> TaskStepChanges);

    public string Id { get; private set; } = "";
    public string Title { get; private set; } = "";
    /// <summary>Whether new sessions can start (a valid file defines the experiment now); previews need it.</summary>
    public Experiment? Served { get; private set; }
    public bool HasHandwriting { get; private set; }
    public bool IncludePilots { get; private set; }
    /// <summary>Every outcome row (with pilots when asked for); the table shows <see cref="Table"/> of them.</summary>
    public IReadOnlyList<OutcomeRow> Rows { get; private set; } = [];
    public TablePage<OutcomeRow> Table { get; private set; } = null!;
    public PagerView Pager => PagerView.Of("outcomes", Path, "outcome rows", Table);
    public string Path => $"/researcher/experiments/{Uri.EscapeDataString(Id)}";

    /// <summary>The outcome table's sortable columns, by their key in the query string.</summary>
    public static readonly IReadOnlyList<TableColumn<OutcomeRow>> Columns =
    [
        new("participant", "Participant", r => r.Participant),
        new("task", "Task", r => r.Task),
        new("condition", "Condition", r => r.Condition),
        new("version", "Version", r => r.Version),
        new("device", "Device", r => r.Device),
        new("pointer", "Pointer", r => r.PointerType),
        new("latency", "Latency (ms)", r => r.LatencyMs),
        new("self", "Self-reference", r => r.SelfReference),
        new("completed", "Completed", r => r.Completed),
        new("analysis", "In analysis", r => Standing(r)),
    ];

    /// <summary>The heading of a sortable column, linking to the table sorted by it.</summary>
    public Microsoft.AspNetCore.Html.IHtmlContent SortHeading(string key) => SortHeader.Of(Table.Query, Path, key, Columns.Single(c => c.Key == key).Heading);

    // What the filter looks in: every text the row shows.
    private static string Text(OutcomeRow r) => string.Join(' ', r.Participant, r.Task, r.Condition, r.Version, r.Device, r.PointerType,
        Labels.MatchDetail(r.MatchDetail), r.MissingReason, OutcomeCells.Measures(r), Standing(r));
    public IReadOnlyList<VersionRow> Versions { get; private set; } = [];
    public int Pilots { get; private set; }
    public int Excluded { get; private set; }
    /// <summary>The anonymous log of withdrawals: the study's record of who left, without who.</summary>
    public IReadOnlyList<DeletionRecord> Deletions { get; private set; } = [];
    /// <summary>What the last action did, in a sentence; null after none.</summary>
    public string? Done { get; private set; }
    public string? Error { get; private set; }

    /// <summary>The pseudonyms typed into the exclusion form (one per line, or separated by commas or spaces).</summary>
    [BindProperty] public string? SessionList { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public IActionResult OnGet(string id, bool includePilot = false, int? excluded = null, int? restored = null, int? pilotsDeleted = null)
    {
        if (!Load(id, includePilot)) return NotFound();
        Table = TableQuery.Parse(Request.Query, Columns.Select(c => c.Key)).Apply(Rows, Columns, Text);
        Done = excluded is { } e ? $"{e} session(s) excluded from the analysis."
            : restored is { } r ? $"{r} session(s) restored to the analysis."
            : pilotsDeleted is { } p ? $"{p} pilot run(s) deleted."
            : null;
        return Page();
    }

    public Task<IActionResult> OnPostExcludeAsync(string id) => SetExclusion(id, exclude: true);

    public Task<IActionResult> OnPostRestoreAsync(string id) => SetExclusion(id, exclude: false);

    public async Task<IActionResult> OnPostDeletePilotsAsync(string id)
    {
        if (sessions.History(id) is null) return NotFound();
        var deleted = await sessions.DeletePilots(id);
        return Redirect($"/researcher/experiments/{Uri.EscapeDataString(id)}?pilotsDeleted={deleted}");
    }

    private async Task<IActionResult> SetExclusion(string id, bool exclude)
    {
        if (sessions.History(id) is null) return NotFound();
        var ids = (SessionList ?? "").Split([',', ';', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        try
        {
            var changed = await sessions.SetExclusion(id, ids, exclude ? Reason ?? "" : null, User.Identity?.Name ?? "");
            return Redirect($"/researcher/experiments/{Uri.EscapeDataString(id)}?{(exclude ? "excluded" : "restored")}={changed.Count}");
        }
        catch (SessionException e)
        {
            Error = e.Message;
            Load(id, includePilot: false);
            Table = TableQuery.Parse(Request.Query, Columns.Select(c => c.Key)).Apply(Rows, Columns, Text);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
    }

    private bool Load(string id, bool includePilot)
    {
        if (sessions.History(id) is not { } history) return false;
        var experiment = history.Latest;
        Id = history.Id;
        Title = experiment.Title.In(experiment.Languages[0]);
        Served = history.Current;
        IncludePilots = includePilot;
        var all = store.SessionsOf(id);
        HasHandwriting = history.Readable().Any(v => v.Experiment.Steps.Any(s => StepTypes.TaskOf(s)?.NeedsCoding(s) == true));
        // As a de-identified export has them: how each first action was decided, never where (the session page shows more).
        Rows = OutcomeDerivation.Rows(history, new AnalysisChoice(IncludePilots: includePilot, IncludeExcluded: true).Of(all), deidentified: true).ToList();
        Pilots = all.Count(s => s.Pilot);
        Excluded = all.Count(s => s.Exclusion is not null && !s.Pilot);
        var perVersion = all.Where(s => !s.Pilot).GroupBy(history.HashOf).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var current = history.Current is { } now ? ExperimentVersion.TaskSteps(now) : null;
        Versions = history.Versions.Reverse().Select(v =>
        {
            var steps = history.Read(v.Hash) is { } read ? ExperimentVersion.TaskSteps(read) : null;
            var changes = current is null || steps is null ? [] : current.Keys.Union(steps.Keys).Order(StringComparer.Ordinal)
                .Select(s => !steps.TryGetValue(s, out var mine) ? $"{s} added since" : !current.TryGetValue(s, out var now) ? $"{s} (removed since)" : mine != now ? $"{s} differs" : null)
                .OfType<string>().ToList();
            return new VersionRow(v, perVersion.GetValueOrDefault(v.Hash), v.Hash == history.CurrentVersion?.Hash, changes);
        }).ToList();
        Deletions = store.Deletions().Where(d => d.ExperimentId == id).ToList();
        return true;
    }

    /// <summary>How the row stands in the analysis: a pilot run, excluded (why), or empty when included.</summary>
    public static string Standing(OutcomeRow row) =>
        row.Pilot ? "pilot run" : row.Excluded ? $"excluded: {row.ExclusionReason}" : "";
}
