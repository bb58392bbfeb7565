using SelfRef.Core.Accounts;

namespace SelfRef.Web.Researcher;

/// <summary>What a logged-in account gets for a page its role or membership does not admit: 403 and a sentence saying why.</summary>
public static class AccessDenied
{
    public static Task Write(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status403Forbidden;
        http.Response.ContentType = "text/plain; charset=utf-8";
        var role = http.User.RoleOf()?.Name() ?? "unknown";
        return http.Response.WriteAsync($"Not for your account: the role '{role}' (or your experiment membership) does not allow this page. An owner can change it on /researcher/accounts.");
    }
}
