using System.Text.Json;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;

namespace SelfRef.Web.Participant;

/// <summary>
/// The participant's area. The session token in the path is the participant's only key; every
/// endpoint reaches that one session and nothing else.
/// </summary>
public static class ParticipantEndpoints
{
    public static void MapParticipant(this WebApplication app)
    {
        app.MapGet("/s/{experimentId}", StartOrResume).RequireRateLimiting(SessionStartLimit.Policy);
        app.MapGet("/p/{token}", Page);

        var api = app.MapGroup("/api/p/{token}").DisableAntiforgery();
        api.MapGet("", State);
        api.MapPost("/advance", Advance);
        api.MapPost("/decline", Decline);
        api.MapPost("/withdraw", Withdraw);
        app.MapHub<ParticipantHub>(ParticipantHub.Path);
    }

    private static string CookieName(string experimentId) => $"selfref.{experimentId}";

    /// <summary>The session this browser already has in the experiment (by its resume cookie), if any.</summary>
    public static Session? Resumable(HttpContext http, string experimentId, SessionService sessions) =>
        http.Request.Cookies[CookieName(experimentId)] is { } known ? sessions.Find(known) : null;

    /// <summary>
    /// The link participants get. A browser that already has a session of this experiment goes
    /// back to it (also when the experiment is paused, closed or full since: a started session may
    /// finish); otherwise a session starts with the recruitment parameters of the link, unless the
    /// experiment takes nobody new, which gets a polite page instead. Starts are limited per client
    /// address (<see cref="SessionStartLimit"/>); resuming is not.
    /// </summary>
    private static async Task<IResult> StartOrResume(string experimentId, HttpContext http, SessionService sessions, UiText ui)
    {
        // A started session goes on on its own version, also when the file no longer defines the experiment.
        if (Resumable(http, experimentId, sessions) is { } existing)
            return Results.Redirect($"/p/{existing.Token}");
        var experiment = sessions.Experiment(experimentId);
        if (experiment is null)
        {
            var language = ui.Choose(http.Request.Query["lang"], http.Request.Headers.AcceptLanguage);
            return Results.Content(ui.NotFoundPage(language), "text/html; charset=utf-8", statusCode: 404);
        }

        var lang = LanguageChoice.Choose(experiment, http.Request.Query["lang"], http.Request.Headers.AcceptLanguage);
        var recruitment = http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
        Session session;
        try { session = await sessions.Start(experimentId, lang, recruitment, http.Request.Headers.UserAgent); }
        catch (SessionException) when (sessions.Experiment(experimentId) is null)
        {
            // The file was removed (or its id changed) between the look above and the start.
            return Results.Content(ui.NotFoundPage(lang), "text/html; charset=utf-8", statusCode: 404);
        }
        catch (ExperimentUnavailableException e)
        {
            // Paused comes back (503: try later); closed and full do not (410).
            return Results.Content(ui.UnavailablePage(lang, e.Status), "text/html; charset=utf-8",
                statusCode: e.Status == ExperimentStatus.Paused ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status410Gone);
        }
        http.Response.Cookies.Append(CookieName(experimentId), session.Token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = http.Request.IsHttps,
            MaxAge = TimeSpan.FromDays(30),
            Path = "/",
        });
        return Results.Redirect($"/p/{session.Token}");
    }

    /// <summary>The page, naming what its first step loads (<see cref="ParticipantPage"/>).</summary>
    private static IResult Page(string token, HttpContext http, ParticipantPage page) =>
        Results.Content(page.For(token, http.Request.QueryString), "text/html; charset=utf-8");

    private static async Task<IResult> State(string token, string? lang, HttpContext http, SessionService sessions, UiText ui)
    {
        if (sessions.Find(token) is not { } session) return UnknownSession(http, ui);
        session = await sessions.Touch(session);
        var experiment = sessions.ExperimentOf(session);
        if (experiment.Languages.FirstOrDefault(l => l.Equals(lang, StringComparison.OrdinalIgnoreCase)) is { } offered)
            session = await sessions.SetLanguage(session, offered);
        return Results.Json(SessionView.Of(session, experiment, ui), SessionView.Json);
    }

    public sealed record AdvanceRequest(string Step, Dictionary<string, JsonElement>? Answers);

    private static async Task<IResult> Advance(string token, AdvanceRequest request, HttpContext http, SessionService sessions, UiText ui)
    {
        if (sessions.Find(token) is not { } session) return UnknownSession(http, ui);
        var experiment = sessions.ExperimentOf(session);
        try
        {
            var answers = request.Answers?.ToDictionary(a => a.Key, a => a.Value.ValueKind switch
            {
                JsonValueKind.String => a.Value.GetString(),
                JsonValueKind.Number => a.Value.GetRawText(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => a.Value.GetRawText(),
            });
            session = await sessions.Advance(session, request.Step, answers);
            return Results.Json(SessionView.Of(session, experiment, ui), SessionView.Json);
        }
        catch (SessionException e)
        {
            return Results.Json(new
            {
                error = e.Message,
                problems = e.Problems.Select(p => new { question = p.QuestionId, code = p.Code, message = ui.Get(session.Language, "answer." + p.Code) }),
            }, SessionView.Json, statusCode: 400);
        }
    }

    private static async Task<IResult> Decline(string token, HttpContext http, SessionService sessions, UiText ui)
    {
        if (sessions.Find(token) is not { } session) return UnknownSession(http, ui);
        try
        {
            session = await sessions.Decline(session);
            return Results.Json(SessionView.Of(session, sessions.ExperimentOf(session), ui), SessionView.Json);
        }
        catch (SessionException e)
        {
            return Results.Json(new { error = e.Message }, SessionView.Json, statusCode: 400);
        }
    }

    /// <summary>The participant withdraws during the study: everything of the session is deleted; the page says so.</summary>
    private static async Task<IResult> Withdraw(string token, HttpContext http, SessionService sessions, UiText ui)
    {
        if (sessions.Find(token) is not { } session) return UnknownSession(http, ui);
        await sessions.Withdraw(session);
        return Results.Json(new { status = "withdrawn", language = session.Language, ui = ui.All(session.Language) }, SessionView.Json);
    }

    // In the browser's language, so the page can say so in words the participant reads.
    private static IResult UnknownSession(HttpContext http, UiText ui)
    {
        var language = ui.Choose(http.Request.Query["lang"], http.Request.Headers.AcceptLanguage);
        return Results.Json(new { error = "unknown session", language, ui = ui.All(language) }, statusCode: 404);
    }

    /// <summary>The token travels in participant URLs: keep it out of Referer headers and caches.</summary>
    public static IApplicationBuilder UseParticipantPrivacyHeaders(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.Request.Path.StartsWithSegments("/p") || http.Request.Path.StartsWithSegments("/s") || http.Request.Path.StartsWithSegments("/api/p")
            || http.Request.Path.StartsWithSegments("/withdraw"))
        {
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers["Referrer-Policy"] = "no-referrer";
        }
        await next();
    });
}
