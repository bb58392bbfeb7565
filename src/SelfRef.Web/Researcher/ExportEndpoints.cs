using System.IO.Compression;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Stats.Export;

namespace SelfRef.Web.Researcher;

/// <summary>
/// Exports as a zip streamed straight onto the response. Without identifiers a GET does it;
/// identifiers need a second step: the confirmation page, whose POST (anti-forgery checked,
/// the experiment id typed again) is the only way to get them.
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

    private static IResult Download(string id, string? format, bool? includeIdentifiers, bool? includePilot, HttpContext http, SessionService sessions, IStore store)
    {
        if (sessions.History(id) is not { } history) return Results.NotFound();
        if (ExportFormats.Parse(format ?? "csv") is not { } chosen) return UnknownFormat(format);
        if (includeIdentifiers == true) return Results.Redirect(ConfirmPage(id, chosen, includePilot: includePilot == true));
        return Zip(http, ExportSource.From(history, store, includePilot == true), new ExportOptions(chosen, false, DateTime.UtcNow));
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
        // ZipArchive and the table writers write synchronously, and LiteDB reads are synchronous:
        // the export holds one thread for its length instead of buffering the whole zip in memory.
        http.Features.GetRequiredFeature<IHttpBodyControlFeature>().AllowSynchronousIO = true;
        http.Response.Headers.CacheControl = "no-store";
        var name = $"{source.Experiment.Id}-{options.Format.Name()}{(options.IncludeIdentifiers ? "-with-identifiers" : "")}-{options.ExportedAt:yyyyMMdd-HHmm}.zip";
        return Results.Stream(body =>
        {
            using (var zip = new ZipArchive(body, ZipArchiveMode.Create, leaveOpen: true))
                ExperimentExport.Write(source, options, path => zip.CreateEntry(path, CompressionLevel.Fastest).Open());
            return Task.CompletedTask;
        }, "application/zip", name);
    }
}
