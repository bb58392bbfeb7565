using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using ScottPlot;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Stats.Export;
using SelfRef.Stats.Figures;
using SelfRef.Stats.Outcomes;
using SelfRef.Stats.Report;

namespace SelfRef.Web.Researcher;

/// <summary>The researcher's area: Razor pages under /researcher (login required, see Program), files and logout.</summary>
public static class ResearcherEndpoints
{
    public static void MapResearcher(this WebApplication app)
    {
        app.MapRazorPages();
        app.MapPost("/researcher/logout", async (HttpContext http) =>
        {
            if (ForgedForm(http) is { } refused) return refused;
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/researcher/login");
        }).RequireAuthorization(Policies.Account).WithMetadata(new RequireAntiforgeryTokenAttribute());

        app.MapHub<ResearcherHub>(ResearcherHub.Path).RequireAuthorization(Policies.Viewing);
        // Every endpoint names its policy (Policies.cs); the access test's table fails on one that does not.
        var researcher = app.MapGroup("/researcher");
        // What the coding queue shows: the handwriting (a coder may fetch the sheets of their experiments' coding steps only, see ReplayData).
        researcher.MapGet("/sessions/{sessionId}/steps/{stepId}/{part:regex(^(sheet|first-word)$)}.{format:regex(^(png|svg)$)}", PenImage).RequireAuthorization(Policies.Coding);
        // strokes.json (pen), trajectory.json (map): each task type names its replay data (TaskType.ReplayDataName).
        researcher.MapGet("/sessions/{sessionId}/steps/{stepId}/{data}.json", ReplayData).RequireAuthorization(Policies.Coding);
        researcher.MapGet("/experiments/{id}/outcomes.csv", OutcomesCsv).RequireAuthorization(Policies.Researcher);
        researcher.MapGet("/experiments/{id}/report", Report).RequireAuthorization(Policies.Viewing);
        researcher.MapExports();
        researcher.MapPost("/experiments/{id}/status", SetStatus).RequireAuthorization(Policies.Researcher);
        researcher.MapStudyLife();
        researcher.MapEditor();
        researcher.MapCodingQueue();
    }

    /// <summary>
    /// The anti-forgery middleware checks forms of endpoints that ask for it (form parameters, or
    /// <see cref="RequireAntiforgeryTokenAttribute"/>) but only records its verdict; endpoints
    /// that bind nothing from the form refuse here.
    /// </summary>
    internal static IResult? ForgedForm(HttpContext http) =>
        http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false } verdict
            ? Results.Text($"the form's anti-forgery token is missing or invalid ({verdict.Error?.Message}); reload the page and try again", statusCode: StatusCodes.Status400BadRequest)
            : null;

    /// <summary>Open, pause or close an experiment for new participants (form field status = open | paused | closed).</summary>
    private static async Task<IResult> SetStatus(string id, [FromForm] string? status, HttpContext http, SessionService sessions)
    {
        if (ForgedForm(http) is { } refused) return refused;
        if (sessions.Experiment(id) is null) return Results.NotFound($"no experiment '{id}'");
        ExperimentStatus? wanted = status switch
        {
            "open" => ExperimentStatus.Open,
            "paused" => ExperimentStatus.Paused,
            "closed" => ExperimentStatus.Closed,
            _ => null,
        };
        if (wanted is null) return Results.BadRequest($"status must be open, paused or closed, not '{status}'");
        await sessions.SetStatus(id, wanted.Value, http.User.Identity?.Name ?? "");
        return Results.Redirect($"/researcher#experiment-{id}");
    }

    /// <summary>The sheet or its first word, rendered on the server so that coders, exports and reports see the same.</summary>
    private static IResult PenImage(string sessionId, string stepId, string part, string format, SelfRef.Core.Tasks.Pen.HandwrittenSheets sheets)
    {
        if (sheets.Load(sessionId, stepId) is not { } sheet) return Results.NotFound();
        if (part == "first-word" && sheet.FirstWord is null) return Results.NotFound();
        var (plot, width, height) = part == "sheet"
            ? PenSheetFigure.Sheet(sheet.Strokes, sheet.FirstWord, sheet.Aspect)
            : PenSheetFigure.FirstWordOnly(sheet.Strokes, sheet.FirstWord!, sheet.Aspect);
        return format == "png"
            ? Results.File(plot.GetImageBytes(width, height, ImageFormat.Png), "image/png")
            : Results.Text(plot.GetSvgXml(width, height), "image/svg+xml", Encoding.UTF8);
    }

    /// <summary>
    /// What a step's replay module draws (the pen sheet's strokes, the map's trajectory), under the
    /// name its task type gives it, from the step's events of every tab and reload.
    /// </summary>
    private static IResult ReplayData(string sessionId, string stepId, string data, IStore store, SessionService sessions, HttpContext http)
    {
        if (store.FindSession(sessionId) is not { } session || sessions.History(session.ExperimentId) is null || !session.Steps.Contains(stepId)) return Results.NotFound();
        if (sessions.ExperimentOf(session).Steps.FirstOrDefault(s => s.Id == stepId) is not { } step || StepTypes.TaskOf(step) is not { } type) return Results.NotFound();
        // A coder sees what they code (handwriting), not the rest of a participant's behaviour (e.g. the map).
        if (http.User.RoleOf() == SelfRef.Core.Accounts.Role.Coder && !type.NeedsCoding(step)) return Results.StatusCode(StatusCodes.Status403Forbidden);
        if (type.ReplayDataName(step) != data) return Results.NotFound();
        return type.ReplayData(step, StepEvents.Of(store.Events(sessionId, new HashSet<string>(StringComparer.Ordinal) { stepId }), stepId)) is { } content ? Results.Json(content) : Results.NotFound();
    }

    /// <summary>The outcome table: every session of the study, excluded ones marked; pilot runs with includePilot=true.</summary>
    private static IResult OutcomesCsv(string id, bool? includePilot, SessionService sessions, IStore store)
    {
        if (sessions.History(id) is not { } history) return Results.NotFound();
        var choice = new AnalysisChoice(IncludePilots: includePilot == true, IncludeExcluded: true);
        // An export like the others: formula-guarded, and no coordinates or place names (those only through the confirmed export).
        var rows = OutcomeDerivation.Rows(history, choice.Of(store.SessionsOf(id)), deidentified: true);
        var csv = new MemoryStream();
        CsvTableWriter.Write(csv, OutcomeTable.Of(rows, includeIdentifiers: false));
        return Results.File(csv.ToArray(), "text/csv; charset=utf-8", $"{id}-outcomes.csv");
    }

    /// <summary>The replication report of the data so far, as one self-contained page (pilot runs with includePilot=true; excluded sessions counted, not analysed).</summary>
    private static IResult Report(string id, bool? includePilot, SessionService sessions, IStore store, IServiceProvider services)
    {
        if (sessions.History(id) is not { } history) return Results.NotFound();
        // The live report names no place and draws no coordinates: it reads the rows as a de-identified export has them.
        var analysis = ExperimentAnalysis.Of(history, store, services, new AnalysisChoice(IncludePilots: includePilot == true), deidentified: true);
        var folder = Directory.CreateTempSubdirectory("selfref-report-");
        try
        {
            var output = ReplicationReport.Write(analysis.Rows, analysis.Options, folder.FullName);
            return Results.Content(File.ReadAllText(output.HtmlPath), "text/html; charset=utf-8");
        }
        finally { folder.Delete(recursive: true); }
    }
}
