using System.IO.Compression;
using SelfRef.Core.Privacy;
using Microsoft.AspNetCore.Mvc;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Stats.Export;

namespace SelfRef.Web.Researcher;

/// <summary>
/// Exports as a zip, built whole in a temporary file before the first byte is sent: an export that
/// fails answers with an error, never with 200 and a truncated zip. Without identifiers a GET does
/// it (coarseCoordinatesKm keeps the coordinates of what participants did rounded to a grid of at
/// least 25 km); identifiers need a second step: the confirmation page, whose POST (anti-forgery
/// checked, the experiment id typed again) is the only way to get them. The options are plain
/// parameters, so that who may ask for which can be decided per role.
/// </summary>
public static class ExportEndpoints
{
    public static void MapExports(this RouteGroupBuilder researcher)
    {
        // Without identifiers: owners and researchers; with identifiers (the confirmed POST): owners only.
        researcher.MapGet("/experiments/{id}/export", Download).RequireAuthorization(Policies.Researcher);
        researcher.MapPost("/experiments/{id}/export", DownloadWithIdentifiers).RequireAuthorization(Policies.Owner);
    }

    public static string ConfirmPage(string id, ExportFormat format, bool mismatch = false, bool includePilot = false) =>
        $"/researcher/experiments/{Uri.EscapeDataString(id)}/export/confirm?format={format.Name()}{(mismatch ? "&mismatch=true" : "")}{(includePilot ? "&includePilot=true" : "")}";

    private static IResult Download(string id, string? format, bool? includeIdentifiers, bool? includePilot, double? coarseCoordinatesKm, HttpContext http, SessionService sessions, IStore store)
    {
        if (sessions.History(id) is not { } history) return Results.NotFound();
        if (ExportFormats.Parse(format ?? "csv") is not { } chosen) return UnknownFormat(format);
        if (includeIdentifiers == true) return Results.Redirect(ConfirmPage(id, chosen, includePilot: includePilot == true));
        CoarseGrid? coarse;
        try { coarse = coarseCoordinatesKm is { } km ? CoarseGrid.Of(km) : null; }
        catch (ArgumentOutOfRangeException e) { return Results.BadRequest($"coarseCoordinatesKm: {e.Message.Split(" (Parameter")[0]}"); }
        return Zip(http, ExportSource.From(history, store, includePilot == true), new ExportOptions(chosen, false, DateTime.UtcNow) { CoarseCoordinates = coarse });
    }

    private static IResult DownloadWithIdentifiers(string id, [FromForm] string? format, [FromForm] string? confirm, [FromForm] bool? includePilot, HttpContext http, SessionService sessions, IStore store)
    {
        if (sessions.History(id) is not { } history) return Results.NotFound();
        if (ExportFormats.Parse(format ?? "csv") is not { } chosen) return UnknownFormat(format);
        if (confirm?.Trim() != history.Id) return Results.Redirect(ConfirmPage(id, chosen, mismatch: true, includePilot: includePilot == true));
        return Zip(http, ExportSource.From(history, store, includePilot == true), new ExportOptions(chosen, true, DateTime.UtcNow));
    }

    private static IResult UnknownFormat(string? format) =>
        Results.BadRequest($"unknown export format '{format}'; use {string.Join(", ", ExportFormats.Names)}");

    private static IResult Zip(HttpContext http, ExportSource source, ExportOptions options)
    {
        http.Response.Headers.CacheControl = "no-store";
        var name = $"{source.Experiment.Id}-{options.Format.Name()}{(options.IncludeIdentifiers ? "-with-identifiers" : "")}{(options.Coarse is { } grid ? $"-coarse{grid.Km:0}km" : "")}-{options.ExportedAt:yyyyMMdd-HHmm}.zip";
        // The whole zip first, in a file that deletes itself (memory stays flat however large the export):
        // an export that throws half way ends as an error response, not as a 200 with a partial file.
        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"selfref-export-{Guid.NewGuid():N}.zip"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        try
        {
            using (var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
                ExperimentExport.Write(source, options, path => zip.CreateEntry(path, CompressionLevel.Fastest).Open());
            file.Position = 0;
        }
        catch
        {
            file.Dispose();
            throw;
        }
        return Results.File(file, "application/zip", name);
    }
}
