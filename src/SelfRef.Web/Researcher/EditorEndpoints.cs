using Microsoft.AspNetCore.Antiforgery;
using SelfRef.Core.Experiments;

namespace SelfRef.Web.Researcher;

/// <summary>
/// What the experiment editor (/researcher/experiments/new, /researcher/experiments/{id}/edit)
/// asks the server: the schema its form is made from, the templates, a file's text, the errors of
/// a draft (the loader's, the same as the <c>validate</c> verb prints) and the save, which writes
/// the file into the experiments folder (<see cref="ExperimentFiles"/>).
/// </summary>
public static class EditorEndpoints
{
    /// <summary>A draft of an experiment file. <paramref name="Editing"/>: the experiment being edited (null: a new one); <paramref name="BaseHash"/>: the file's hash when the editor loaded it (empty: no file yet).</summary>
    public sealed record Draft(string Text, string? Editing = null, string? BaseHash = null);

    public sealed record DraftError(string Path, string Message);

    public sealed record Template(string Id, string Title, string File, string Text);

    public static void MapEditor(this RouteGroupBuilder researcher)
    {
        researcher.MapGet("/editor/schema.json", () => Results.Text(ExperimentSchema.Text, "application/schema+json")).RequireAuthorization(Policies.Researcher);
        researcher.MapGet("/editor/templates", Templates).RequireAuthorization(Policies.Researcher);
        researcher.MapGet("/experiments/{id}/source", (string id, ExperimentFiles files) =>
            files.Source(id) is { } source ? Results.Json(source) : Results.NotFound($"no experiment '{id}'")).RequireAuthorization(Policies.Researcher);
        researcher.MapPost("/editor/check", Check).RequireAuthorization(Policies.Researcher);
        researcher.MapPost("/editor/save", Save).RequireAuthorization(Policies.Researcher);
    }

    /// <summary>The experiments the server knows, each as its file is now: a new experiment starts from one of them.</summary>
    // A researcher starts from the files of their own experiments (an owner from every one).
    private static IResult Templates(HttpContext http, ExperimentCatalog catalog, ExperimentFiles files) =>
        Results.Json(catalog.Experiments
            .Where(e => http.User.MemberOf(e.Id))
            .Select(e => (Experiment: e, Source: files.Source(e.Id)))
            .Where(p => p.Source is { Hash.Length: > 0 })
            .Select(p => new Template(p.Experiment.Id, p.Experiment.Title.Values.FirstOrDefault() ?? p.Experiment.Id, p.Source!.File, p.Source.Text)));

    private static async Task<IResult> Check(HttpContext http, IAntiforgery antiforgery, ExperimentFiles files)
    {
        if (await Forged(http, antiforgery) is { } refused) return refused;
        if (await Read(http.Request) is not { } draft) return NotADraft;
        return Results.Json(new { errors = Errors(files.Check(draft.Text, draft.Editing)) });
    }

    /// <summary>200 with the saved file and version; 422 with the draft's errors; 409 when the file changed since it was loaded.</summary>
    private static async Task<IResult> Save(HttpContext http, IAntiforgery antiforgery, ExperimentFiles files)
    {
        if (await Forged(http, antiforgery) is { } refused) return refused;
        if (await Read(http.Request) is not { } draft) return NotADraft;
        // The experiment named in the body, not the route: membership is checked here.
        if (draft.Editing is { } editing && !http.User.MemberOf(editing))
            return Results.Text($"you are not a member of the experiment '{editing}': an owner adds you on the accounts page", statusCode: StatusCodes.Status403Forbidden);
        var result = await files.Save(draft.Text, draft.Editing, draft.BaseHash ?? "");
        return result.Outcome switch
        {
            SaveOutcome.Saved => Results.Json(new { source = result.Source, version = result.Version?.Hash, editLink = $"/researcher/experiments/{Uri.EscapeDataString(result.Source!.Id)}/edit" }),
            SaveOutcome.Stale => Results.Json(new { errors = Errors(result.Errors), source = result.Source }, statusCode: StatusCodes.Status409Conflict),
            SaveOutcome.NotFound => Results.NotFound($"no experiment '{draft.Editing}'"),
            _ => Results.Json(new { errors = Errors(result.Errors) }, statusCode: StatusCodes.Status422UnprocessableEntity),
        };
    }

    // The body is read here rather than bound by the endpoint: a bound JSON body makes routing answer
    // 415 to any other content type before the login is checked, so a visitor would learn of the endpoint.
    private static async Task<Draft?> Read(HttpRequest request)
    {
        if (!request.HasJsonContentType()) return null;
        try { return await request.ReadFromJsonAsync<Draft>() is { Text: not null } draft ? draft : null; }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static readonly IResult NotADraft = Results.Text("expected a JSON body {\"text\": the experiment file, \"editing\": its id or null, \"baseHash\": the file's hash when loaded}", statusCode: StatusCodes.Status400BadRequest);

    private static IEnumerable<DraftError> Errors(IEnumerable<ExperimentError> errors) => errors.Select(e => new DraftError(e.JsonPath, e.Message));

    /// <summary>The editor's page sends its anti-forgery token in a header; a request without it came from elsewhere.</summary>
    private static async Task<IResult?> Forged(HttpContext http, IAntiforgery antiforgery) =>
        await antiforgery.IsRequestValidAsync(http)
            ? null
            : Results.Text("the editor's anti-forgery token is missing or invalid; reload the page and try again", statusCode: StatusCodes.Status400BadRequest);
}
