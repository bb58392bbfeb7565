using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;

namespace SelfRef.Web.Pages.Researcher;

public sealed class IndexModel(SessionService sessions) : PageModel
{
    public sealed record Row(string Id, string Title, string Link, ExperimentCounts Counts, int Target);

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public void OnGet()
    {
        var origin = $"{Request.Scheme}://{Request.Host}";
        Rows = sessions.Experiments
            .OrderBy(e => e.Id)
            .Select(e => new Row(e.Id, e.Title.In(e.Languages[0].Code()), $"{origin}/s/{e.Id}", sessions.Counts(e.Id), e.TargetSampleSize))
            .ToList();
    }
}
