using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Coding;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Stats.Estimators;
using SelfRef.Stats.Results;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

/// <summary>Cohen's kappa of the first two coders and the answers they disagree on.</summary>
[Authorize(Policy = Policies.Researcher)]
public sealed class AgreementModel(SessionService sessions, IStore store) : PageModel
{
    public sealed record Disagreement(string Session, string Step, string A, string B);

    public string Id { get; private set; } = "";
    public string CoderA { get; private set; } = "";
    public string CoderB { get; private set; } = "";
    public IReadOnlyList<CodingPair> Pairs { get; private set; } = [];
    public CohensKappaResult? Kappa { get; private set; }
    public IReadOnlyList<Disagreement> Disagreements { get; private set; } = [];

    public IActionResult OnGet(string id)
    {
        if (sessions.History(id) is null) return NotFound();
        Id = id;
        var codes = store.Codes(id).ByCoders().ToList();
        var coders = codes.Select(c => c.Coder).Distinct().Order(StringComparer.Ordinal).ToList();
        if (coders.Count < 2) return Page();
        (CoderA, CoderB) = (coders[0], coders[1]);
        var both = codes.Where(c => c.Coder == CoderA || c.Coder == CoderB);
        Pairs = ExperimentAnalysis.CodingPairs(both);
        if (Pairs.Count > 0) Kappa = CohensKappa.Compute(Pairs.Select(p => p.CoderA).ToList(), Pairs.Select(p => p.CoderB).ToList());
        Disagreements = Pairs.Where(p => p.CoderA != p.CoderB)
            .Select(p => p.Item.Split('/') is var parts ? new Disagreement(parts[0], parts[1], p.CoderA, p.CoderB) : null!)
            .ToList();
        return Page();
    }
}
