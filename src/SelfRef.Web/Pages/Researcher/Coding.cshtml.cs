using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Coding;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

/// <summary>
/// A coder's blind queue: one handwritten first word at a time beside the name given later; the
/// logged-in account is the coder and sees only their own codes. researcher-coding.js loads the
/// next answer, skips and undoes without reloading; the forms work without it.
/// </summary>
[Authorize(Policy = Policies.Coding)]
public sealed class CodingModel(SessionService sessions, CodingQueue queue, TimeProvider time) : PageModel
{
    public string Id { get; private set; } = "";
    public string Title { get; private set; } = "";
    public string Coder => User.Identity?.Name ?? "";
    public CodingItem? Item { get; private set; }
    public CodingProgress Progress { get; private set; } = new(0, 0, 0);
    public int Required { get; private set; }
    public string? Message { get; private set; }

    public IActionResult OnGet(string id, string? session, string? step, string? skip, string? message)
    {
        if (sessions.History(id) is not { } history) return NotFound();
        (Id, Title, Required, Message) = (id, history.Latest.Title.In(history.Latest.Languages[0]), history.Latest.Privacy.Coders, message);
        var skipped = (skip ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        (Item, Progress) = queue.Next(history, Coder, skipped);
        // A specific answer: to change one's own code (from the agreement page or after an undo).
        if (session is not null && step is not null)
        {
            Item = queue.Item(id, session, step, Coder);
            if (Item is null) return NotFound();
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, string? session, string? step, CodeValue? value, string? note)
    {
        if (session is null || step is null || value is null) return BadRequest("the form needs session, step and value");
        if (sessions.History(id) is null || !await queue.Save(id, session, step, Coder, value.Value, note, time.GetUtcNow().UtcDateTime)) return NotFound();
        return Redirect($"/researcher/experiments/{Uri.EscapeDataString(id)}/coding?message={Uri.EscapeDataString($"Saved: {value.Value.Words()}.")}");
    }

    public async Task<IActionResult> OnPostUndoAsync(string id)
    {
        if (sessions.History(id) is null) return NotFound();
        var undone = await queue.Undo(id, Coder);
        return Redirect(undone is null
            ? $"/researcher/experiments/{Uri.EscapeDataString(id)}/coding?message=Nothing+to+undo."
            : $"/researcher/experiments/{Uri.EscapeDataString(id)}/coding?session={Uri.EscapeDataString(undone.SessionId)}&step={Uri.EscapeDataString(undone.StepId)}&message={Uri.EscapeDataString($"Took back your code '{undone.Value.Words()}'.")}");
    }
}
