using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

/// <summary>Every session of one experiment (pilot runs marked), paged, sorted and filtered on the server.</summary>
[Authorize(Policy = Policies.Viewing)]
public sealed class SessionsModel(SessionService sessions, IStore store) : PageModel
{
    /// <summary>A session as the table shows it.</summary>
    public sealed record Row(string Pseudonym, string Condition, string Status, DateTime StartedAt, DateTime LastSeenAt, int Steps, string Version, string Standing);

    public string Id { get; private set; } = "";
    public string Title { get; private set; } = "";
    public TablePage<Row> Table { get; private set; } = null!;
    public string Path => $"/researcher/experiments/{Uri.EscapeDataString(Id)}/sessions";
    public PagerView Pager => PagerView.Of("sessions", Path, "sessions", Table);

    /// <summary>The sortable columns, by their key in the query string.</summary>
    public static readonly IReadOnlyList<TableColumn<Row>> Columns =
    [
        new("participant", "Participant", r => r.Pseudonym),
        new("condition", "Condition", r => r.Condition),
        new("status", "Status", r => r.Status),
        new("started", "Started (UTC)", r => r.StartedAt),
        new("seen", "Last seen (UTC)", r => r.LastSeenAt),
        new("steps", "Steps reached", r => r.Steps),
        new("version", "Version", r => r.Version),
        new("analysis", "In analysis", r => r.Standing),
    ];

    public IHtmlContent SortHeading(string key) => SortHeader.Of(Table.Query, Path, key, Columns.Single(c => c.Key == key).Heading);

    public IActionResult OnGet(string id)
    {
        if (sessions.History(id) is not { } history) return NotFound();
        Id = history.Id;
        Title = history.Latest.Title.In(history.Latest.Languages[0]);
        var rows = store.SessionsOf(id).OrderBy(s => s.StartedAt).Select(s => new Row(s.Id, s.ConditionId, Labels.Status(s.Status),
            s.StartedAt, s.LastSeenAt, Math.Min(s.StepIndex + 1, s.Steps.Count), history.VersionOf(s)?.Short ?? "",
            s.Pilot ? "pilot run" : s.Exclusion is { } x ? $"excluded: {x.Reason}" : "yes")).ToList();
        Table = TableQuery.Parse(Request.Query, Columns.Select(c => c.Key)).Apply(rows, Columns,
            r => string.Join(' ', r.Pseudonym, r.Condition, r.Status, r.Version, r.Standing));
        return Page();
    }

    public static string Time(DateTime at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm");
}
