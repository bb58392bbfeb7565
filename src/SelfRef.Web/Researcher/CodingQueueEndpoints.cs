using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using SelfRef.Core.Coding;
using SelfRef.Core.Sessions;

namespace SelfRef.Web.Researcher;

/// <summary>
/// The coding page's calls (researcher-coding.js): the next answer, a code with its note, undo.
/// Each answers with the coder's own view only (<see cref="CodingQueue"/>), so the next answer
/// loads without a page reload.
/// </summary>
public static class CodingQueueEndpoints
{
    public sealed record CodeRequest(string? Session, string? Step, string? Value, string? Note, string[]? Skipped);

    public sealed record QueueAnswer(CodingItem? Item, CodingProgress Progress, string? Message);

    public static void MapCodingQueue(this RouteGroupBuilder researcher)
    {
        researcher.MapGet("/experiments/{id}/coding/next", Next).RequireAuthorization(Policies.Coding);
        researcher.MapPost("/experiments/{id}/coding/codes", Save).RequireAuthorization(Policies.Coding).WithMetadata(new RequireAntiforgeryTokenAttribute());
        researcher.MapPost("/experiments/{id}/coding/undo", Undo).RequireAuthorization(Policies.Coding).WithMetadata(new RequireAntiforgeryTokenAttribute());
    }

    private static string Coder(HttpContext http) => http.User.Identity?.Name ?? "";

    private static IResult Next(string id, string? skip, HttpContext http, SessionService sessions, CodingQueue queue)
    {
        if (sessions.History(id) is not { } history) return Results.NotFound($"no experiment '{id}'");
        var skipped = (skip ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var (item, progress) = queue.Next(history, Coder(http), skipped);
        return Results.Json(new QueueAnswer(item, progress, null));
    }

    private static async Task<IResult> Save(string id, [FromBody] CodeRequest request, HttpContext http, SessionService sessions, CodingQueue queue, TimeProvider time)
    {
        if (ResearcherEndpoints.ForgedForm(http) is { } refused) return refused;
        if (sessions.History(id) is not { } history) return Results.NotFound($"no experiment '{id}'");
        if (!Enum.TryParse<CodeValue>(request.Value, ignoreCase: false, out var value) || !Enum.IsDefined(value))
            return Results.BadRequest($"value must be one of {string.Join(", ", Enum.GetNames<CodeValue>())}, not '{request.Value}'");
        if (request.Session is null || request.Step is null || !await queue.Save(id, request.Session, request.Step, Coder(http), value, request.Note, time.GetUtcNow().UtcDateTime))
            return Results.NotFound($"no handwritten answer '{request.Session}/{request.Step}' in '{id}'");
        var (item, progress) = queue.Next(history, Coder(http), (request.Skipped ?? []).ToHashSet(StringComparer.Ordinal));
        return Results.Json(new QueueAnswer(item, progress, $"Saved: {value.Words()}."));
    }

    private static async Task<IResult> Undo(string id, HttpContext http, SessionService sessions, CodingQueue queue)
    {
        if (ResearcherEndpoints.ForgedForm(http) is { } refused) return refused;
        if (sessions.History(id) is not { } history) return Results.NotFound($"no experiment '{id}'");
        var undone = await queue.Undo(id, Coder(http));
        var (next, progress) = queue.Next(history, Coder(http), new HashSet<string>());
        // The answer whose code was taken back comes first again, to be coded anew.
        var item = undone is null ? next : queue.Item(id, undone.SessionId, undone.StepId, Coder(http));
        return Results.Json(new QueueAnswer(item, progress, undone is null ? "Nothing to undo." : $"Took back your code '{undone.Value.Words()}'."));
    }
}
