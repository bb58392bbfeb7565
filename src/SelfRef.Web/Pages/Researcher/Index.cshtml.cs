using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Web.Hosting;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

/// <summary>The dashboard: every experiment's status, links and progress; kept current by researcher-dashboard.js through the hub.</summary>
public sealed class IndexModel(SessionService sessions, ProgressTracker progress, IOptions<SelfRefOptions> options) : PageModel
{
    public sealed record Card(string Id, string Title, string Link, string? ProlificLink, ProgressSnapshot Progress);

    public IReadOnlyList<Card> Cards { get; private set; } = [];

    public void OnGet()
    {
        var baseUrl = options.Value.PublicUrl ?? $"{Request.Scheme}://{Request.Host}";
        Cards = sessions.Experiments
            .OrderBy(e => e.Id, StringComparer.Ordinal)
            .Select(e => new Card(e.Id, e.Title.In(e.Languages[0].Code()), ParticipantLinks.Plain(baseUrl, e), ParticipantLinks.WithPlaceholders(baseUrl, e), progress.Snapshot(e.Id)))
            .ToList();
    }

    /// <summary>What the status means for participants (researcher-dashboard.js has the same sentences).</summary>
    public static string StatusNote(ProgressSnapshot p) => p.Status switch
    {
        "paused" => "Paused: new arrivals are asked to come back later; started sessions can finish.",
        "closed" => "Closed: new arrivals are thanked and turned away; started sessions can finish.",
        "full" => $"Full: {p.Counts.Active + p.Counts.Completed} active or completed sessions reach the target of {p.Target}; new arrivals are thanked and turned away.",
        _ => "Open: new arrivals start a session.",
    };

    public static string Time(DateTime at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss") + " UTC";
}
