using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Tasks;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

/// <summary>A coder's start: the experiments they are a member of that have handwriting to code, with how many answers wait for them.</summary>
[Authorize(Policy = Policies.Coding)]
public sealed class CodingHomeModel(SessionService sessions, CodingQueue queue) : PageModel
{
    public sealed record Queue(string Id, string Title, CodingProgress Progress);

    public IReadOnlyList<Queue> Queues { get; private set; } = [];

    public void OnGet()
    {
        var coder = User.Identity?.Name ?? "";
        Queues = sessions.ExperimentIds.Where(User.MemberOf).Order(StringComparer.Ordinal)
            .Select(id => sessions.History(id)!)
            .Where(h => h.Latest.Steps.Any(s => StepTypes.TaskOf(s)?.NeedsCoding(s) == true))
            .Select(h => new Queue(h.Id, h.Latest.Title.In(h.Latest.Languages[0]), queue.Next(h, coder, new HashSet<string>()).Progress))
            .ToList();
    }
}
