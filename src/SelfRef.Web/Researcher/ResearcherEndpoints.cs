using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using ScottPlot;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Stats.Export;
using SelfRef.Stats.Figures;
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
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/researcher/login");
        }).RequireAuthorization();

        app.MapHub<ResearcherHub>(ResearcherHub.Path).RequireAuthorization();
        var researcher = app.MapGroup("/researcher").RequireAuthorization();
        researcher.MapGet("/sessions/{sessionId}/steps/{stepId}/{part:regex(^(sheet|first-word)$)}.{format:regex(^(png|svg)$)}", PenImage);
        researcher.MapGet("/sessions/{sessionId}/steps/{stepId}/strokes.json", Strokes);
        researcher.MapGet("/experiments/{id}/outcomes.csv", OutcomesCsv);
        researcher.MapGet("/experiments/{id}/report", Report);
        researcher.MapExports();
    }

    /// <summary>The sheet or its first word, rendered on the server so that coders, exports and reports see the same.</summary>
    private static IResult PenImage(string sessionId, string stepId, string part, string format, PenSheets sheets)
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

    /// <summary>The strokes with their real timing, for the replay in the coding view.</summary>
    private static IResult Strokes(string sessionId, string stepId, PenSheets sheets)
    {
        if (sheets.Load(sessionId, stepId) is not { } sheet) return Results.NotFound();
        return Results.Json(new
        {
            aspect = sheet.Aspect,
            firstWord = sheet.FirstWord?.Strokes,
            strokes = sheet.Strokes.Select(s => new { index = s.Index, points = s.Points.Select(p => new[] { p.X, p.Y, p.T, p.Pressure }) }),
        });
    }

    private static IResult OutcomesCsv(string id, SessionService sessions, IStore store, IServiceProvider services)
    {
        if (sessions.Experiment(id) is not { } experiment) return Results.NotFound();
        var analysis = ExperimentAnalysis.Of(experiment, store, services);
        // An export like the others: formula-guarded, and the home town's coordinates only through the confirmed export.
        var csv = new MemoryStream();
        CsvTableWriter.Write(csv, OutcomeTable.Of(analysis.Rows, includeIdentifiers: false));
        return Results.File(csv.ToArray(), "text/csv; charset=utf-8", $"{id}-outcomes.csv");
    }

    /// <summary>The replication report of the data so far, as one self-contained page.</summary>
    private static IResult Report(string id, SessionService sessions, IStore store, IServiceProvider services)
    {
        if (sessions.Experiment(id) is not { } experiment) return Results.NotFound();
        var analysis = ExperimentAnalysis.Of(experiment, store, services);
        var folder = Directory.CreateTempSubdirectory("selfref-report-");
        try
        {
            var output = ReplicationReport.Write(analysis.Rows, analysis.Options, folder.FullName);
            return Results.Content(File.ReadAllText(output.HtmlPath), "text/html; charset=utf-8");
        }
        finally { folder.Delete(recursive: true); }
    }
}
