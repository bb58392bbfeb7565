using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Experiments;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

/// <summary>
/// The experiment editor's page, new (no id) or of an experiment the server knows. The page is a
/// frame; the form, the code view and the checks run in the browser against the editor's endpoints
/// (Researcher/EditorEndpoints).
/// </summary>
[Authorize(Policy = Policies.Researcher)]
public sealed class EditorModel(ExperimentFiles files) : PageModel
{
    /// <summary>The experiment edited; null for a new one.</summary>
    public string? Id { get; private set; }

    /// <summary>Where participant links start (this server as the researcher reached it).</summary>
    public string ParticipantBase { get; private set; } = "";

    public IActionResult OnGet(string? id)
    {
        if (id is not null && files.Source(id) is null) return NotFound();
        Id = id;
        ParticipantBase = $"{Request.Scheme}://{Request.Host}";
        return Page();
    }
}
