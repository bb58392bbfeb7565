using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Sessions;
using SelfRef.Stats.Export;

using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

/// <summary>The second step before identifiers leave the database: what they are, and the experiment id typed again.</summary>
[Authorize(Policy = Policies.Owner)]
public sealed class ExportConfirmModel(SessionService sessions) : PageModel
{
    public string Id { get; private set; } = "";
    public string Format { get; private set; } = "";
    public string Statement { get; private set; } = "";
    public bool Mismatch { get; private set; }
    public bool IncludePilot { get; private set; }

    public IActionResult OnGet(string id, string? format, bool mismatch = false, bool includePilot = false)
    {
        if (sessions.History(id)?.Latest is not { } experiment) return NotFound();
        IncludePilot = includePilot;
        if (ExportFormats.Parse(format ?? "csv") is not { } chosen) return BadRequest($"unknown export format '{format}'; use {string.Join(", ", ExportFormats.Names)}");
        Id = experiment.Id;
        Format = chosen.Name();
        Statement = $"An export with identifiers contains {Codebook.IdentifierList(experiment)}. Keep it as protected as the names themselves, and delete it when the retention period ends.";
        Mismatch = mismatch;
        return Page();
    }
}
