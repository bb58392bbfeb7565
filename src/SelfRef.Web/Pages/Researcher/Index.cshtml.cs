using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Web.Hosting;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

/// <summary>
/// The dashboard: the experiment files that are wrong (with their errors), and every experiment's
/// status, links, progress and sessions in progress; kept current by researcher-dashboard.js
/// through the hub.
/// </summary>
[Authorize(Policy = Policies.Account)]
public sealed class IndexModel(SessionService sessions, ProgressTracker progress, IOptions<SelfRefOptions> options) : PageModel
{
    public sealed record Card(string Id, string Title, string? Link, string? ProlificLink, ProgressSnapshot Progress, IReadOnlyList<string> Tags, bool Archived);

    /// <summary>The studies shown: those matching the search and tag, archived ones only when asked for.</summary>
    public IReadOnlyList<Card> Cards { get; private set; } = [];
    public IReadOnlyList<FileProblemView> Problems { get; private set; } = [];
    /// <summary>Every tag of every study, for the tag filter.</summary>
    public IReadOnlyList<string> AllTags { get; private set; } = [];
    public int AllCount { get; private set; }
    public int ArchivedCount { get; private set; }
    /// <summary>Text the study's id or title contains (case-blind).</summary>
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public string? Tag { get; set; }
    /// <summary>Whether archived studies are listed too.</summary>
    [BindProperty(SupportsGet = true)] public bool Archived { get; set; }

    public IActionResult OnGet()
    {
        // A coder has no dashboard: their start is the coding queue.
        if (User.RoleOf() == SelfRef.Core.Accounts.Role.Coder) return Redirect("/researcher/coding");
        var baseUrl = options.Value.PublicUrl ?? $"{Request.Scheme}://{Request.Host}";
        Problems = sessions.Catalog.Problems.Select(FileProblemView.Of).ToList();
        var all = sessions.ExperimentIds.Where(User.MemberOf).Order(StringComparer.Ordinal)
            .Select(id => sessions.History(id)!)
            .Select(h => (History: h, Experiment: h.Latest, Title: h.Latest.Title.In(h.Latest.Languages[0])))
            .ToList();
        AllCount = all.Count;
        ArchivedCount = all.Count(e => sessions.IsArchived(e.History.Id));
        AllTags = all.SelectMany(e => e.Experiment.Tags).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
        var search = Q?.Trim() ?? "";
        Cards = all
            .Where(e => Archived || !sessions.IsArchived(e.History.Id))
            .Where(e => search.Length == 0 || e.History.Id.Contains(search, StringComparison.OrdinalIgnoreCase) || e.Title.Contains(search, StringComparison.CurrentCultureIgnoreCase))
            .Where(e => string.IsNullOrEmpty(Tag) || e.Experiment.Tags.Contains(Tag, StringComparer.OrdinalIgnoreCase))
            .Select(e => new Card(e.History.Id, e.Title,
                e.History.Current is { } served ? ParticipantLinks.Plain(baseUrl, served) : null,
                e.History.Current is { } current ? ParticipantLinks.WithPlaceholders(baseUrl, current) : null,
                progress.Snapshot(e.History.Id), e.Experiment.Tags, sessions.IsArchived(e.History.Id)))
            .ToList();
        return Page();
    }

    /// <summary>Archives a study (or brings it back) and returns to the dashboard as it was filtered.</summary>
    public async Task<IActionResult> OnPostArchiveAsync(string study, bool archive)
    {
        // The page is open to every login; archiving is a researcher's change to a study of their own.
        if (!User.Allowed(Policies.Researcher) || !User.MemberOf(study)) return Forbid();
        if (sessions.History(study) is null) return NotFound();
        await sessions.SetArchived(study, archive, User.Identity?.Name ?? "");
        var back = new Dictionary<string, string?> { ["q"] = Q, ["tag"] = Tag, ["archived"] = Archived ? "true" : null }.Where(p => !string.IsNullOrEmpty(p.Value));
        return Redirect(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/researcher", back));
    }

    /// <summary>What the status means for participants (researcher-dashboard.js has the same sentences).</summary>
    public static string StatusNote(ProgressSnapshot p) => p.Status switch
    {
        "paused" => "Paused: new arrivals are asked to come back later; started sessions can finish.",
        "closed" => "Closed: new arrivals are thanked and turned away; started sessions can finish.",
        "full" => $"Full: {p.Counts.Active + p.Counts.Completed} active or completed sessions reach the target of {p.Target}; new arrivals are thanked and turned away.",
        "not served" => "Not served: no valid file defines this experiment now; new arrivals get a 'not found' page, started sessions can finish on their version, and the data stays here.",
        _ => "Open: new arrivals start a session.",
    };

    /// <summary>The "active now" window in words: "2 minutes", "90 seconds".</summary>
    public static string Within(int seconds) => seconds % 60 == 0 ? $"{seconds / 60} minute{(seconds == 60 ? "" : "s")}" : $"{seconds} seconds";

    public static string Time(DateTime at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss") + " UTC";

    /// <summary>A span as the monitor shows it: "45 s", "3 min 05 s", "2 h 04 min" (researcher-dashboard.js writes the same).</summary>
    public static string Span(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        return span.TotalMinutes < 1 ? $"{(int)span.TotalSeconds} s"
            : span.TotalHours < 1 ? $"{(int)span.TotalMinutes} min {span.Seconds:00} s"
            : $"{(int)span.TotalHours} h {span.Minutes:00} min";
    }
}
