using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace SelfRef.Web.Researcher;

/// <summary>The researcher's area: Razor pages under /researcher (login required, see Program) and logout.</summary>
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
    }
}
