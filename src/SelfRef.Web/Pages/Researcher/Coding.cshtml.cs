using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Coding;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Tasks.Pen;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

/// <summary>One handwritten first word at a time, beside the name given later; the logged-in researcher is the coder.</summary>
public sealed class CodingModel(SessionService sessions, IStore store, HandwrittenSheets sheets, TimeProvider time) : PageModel
{
    public string Id { get; private set; } = "";
    public string Coder => User.Identity?.Name ?? "";
    public HandwrittenSheet? Sheet { get; private set; }
    public CodeValue? Current { get; private set; }
    public int Codable { get; private set; }
    public int CodedByYou { get; private set; }

    public IActionResult OnGet(string id, string? session, string? step)
    {
        if (sessions.History(id) is not { } history) return NotFound();
        Id = id;
        var items = sheets.Codable(history);
        var mine = store.Codes(id).Where(c => c.Coder == Coder).ToList();
        Codable = items.Count;
        CodedByYou = mine.Count(c => items.Any(i => i.Session.Id == c.SessionId && i.Step.Id == c.StepId));
        // A specific answer (to change a code, or from the list of disagreements), else the next one not coded by this coder.
        var target = session is not null && step is not null ? (session, step) : HandwrittenSheets.NextFor(items, mine) is { } next ? (next.Session.Id, next.Step.Id) : default;
        if (target.Item1 is not null)
        {
            Sheet = sheets.Load(target.Item1, target.Item2);
            if (Sheet is null || Sheet.Session.ExperimentId != id) return NotFound();
            Current = mine.FirstOrDefault(c => c.SessionId == Sheet.Session.Id && c.StepId == Sheet.Step.Id)?.Value;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, string session, string step, CodeValue value)
    {
        if (sessions.History(id) is null || sheets.Load(session, step) is not { } sheet || sheet.Session.ExperimentId != id) return NotFound();
        await sessions.SaveCode(new CoderCode
        {
            ExperimentId = id, SessionId = session, StepId = step, Coder = Coder, Value = value, At = time.GetUtcNow().UtcDateTime,
        });
        return Redirect($"/researcher/experiments/{id}/coding");
    }
}
