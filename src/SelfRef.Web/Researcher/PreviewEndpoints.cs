using SelfRef.Core.Sessions;

namespace SelfRef.Web.Researcher;

/// <summary>
/// Pilot runs: a researcher's preview link starts a session on the real participant pages, in the
/// condition, language and step chosen, marked as a pilot (no slot, left out of the data unless
/// asked for). The browser gets no resume cookie: each preview is a new pilot, and the researcher's
/// browser stays free to open the participant link as a participant would.
/// </summary>
public static class PreviewEndpoints
{
    public static void MapStudyLife(this RouteGroupBuilder researcher) => researcher.MapGet("/experiments/{id}/preview", Preview).RequireAuthorization(Policies.Researcher);

    public static string Link(string experimentId, string? condition = null, string? language = null, string? step = null)
    {
        var query = new[] { ("condition", condition), ("lang", language), ("step", step) }
            .Where(p => !string.IsNullOrEmpty(p.Item2)).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}");
        return $"/researcher/experiments/{Uri.EscapeDataString(experimentId)}/preview" + (query.Any() ? "?" + string.Join("&", query) : "");
    }

    private static async Task<IResult> Preview(string id, string? condition, string? lang, string? step, HttpContext http, SessionService sessions)
    {
        if (sessions.Experiment(id) is null) return Results.NotFound($"no experiment '{id}' is served");
        try
        {
            var pilot = await sessions.StartPilot(id, condition, lang, step, http.Request.Headers.UserAgent);
            return Results.Redirect($"/p/{pilot.Token}");
        }
        catch (SessionException e)
        {
            return Results.Text($"preview: {e.Message}", statusCode: StatusCodes.Status400BadRequest);
        }
    }
}
