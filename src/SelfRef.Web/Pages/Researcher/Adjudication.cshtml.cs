using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Coding;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

/// <summary>
/// An owner decides the answers whose coders disagree: each with the first word, the name given
/// later and every coder's code and note; the decision is stored as an adjudication (who, when)
/// and becomes the answer's final code.
/// </summary>
[Authorize(Policy = Policies.Owner)]
public sealed class AdjudicationModel(SessionService sessions, IStore store, CodingQueue queue, TimeProvider time) : PageModel
{
    public sealed record Answer(CodingItem Item, IReadOnlyList<CoderCode> Codes, Consensus Consensus);

    public string Id { get; private set; } = "";
    public int Required { get; private set; }
    public IReadOnlyList<Answer> Open { get; private set; } = [];
    public IReadOnlyList<Answer> Decided { get; private set; } = [];
    public string? Done { get; private set; }

    public IActionResult OnGet(string id, string? done)
    {
        if (sessions.History(id) is not { } history) return NotFound();
        (Id, Required, Done) = (id, history.Latest.Privacy.Coders, done);
        var answers = store.Codes(id).GroupBy(c => (c.SessionId, c.StepId))
            .Select(g => (Codes: g.ToList(), Consensus: CodeConsensus.Of(g, Required), Item: queue.Item(id, g.Key.SessionId, g.Key.StepId, "")))
            .Where(a => a.Item is not null)
            .Select(a => new Answer(a.Item!, a.Codes.ByCoders().OrderBy(c => c.Coder, StringComparer.Ordinal).ToList(), a.Consensus))
            .ToList();
        Open = answers.Where(a => a.Consensus.State == CodingState.Disagree).ToList();
        Decided = answers.Where(a => a.Consensus.State == CodingState.Adjudicated).OrderByDescending(a => a.Consensus.Adjudication!.At).ToList();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, string? session, string? step, CodeValue? value, string? note)
    {
        if (session is null || step is null || value is null) return BadRequest("the form needs session, step and value");
        if (sessions.History(id) is not { } history || queue.Item(id, session, step, "") is null) return NotFound();
        var consensus = CodeConsensus.Of(store.CodesOf(session).Where(c => c.StepId == step), history.Latest.Privacy.Coders);
        if (consensus.State is not (CodingState.Disagree or CodingState.Adjudicated))
            return BadRequest($"the answer {session}/{step} has no disagreement to decide ({consensus.State.ToString().ToLowerInvariant()})");
        var owner = User.Identity?.Name ?? "";
        await sessions.SaveCode(new CoderCode
        {
            ExperimentId = id, SessionId = session, StepId = step, Coder = owner, Value = value.Value, At = time.GetUtcNow().UtcDateTime,
            Adjudication = true, Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim(),
        });
        return Redirect($"/researcher/experiments/{Uri.EscapeDataString(id)}/adjudication?done={Uri.EscapeDataString($"Adjudicated {session}: {value.Value.Words()}.")}");
    }
}
