using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Accounts;
using SelfRef.Core.Storage;

namespace SelfRef.Web.Researcher;

/// <summary>
/// The researcher area's named authorization policies: which roles may do what. Every researcher
/// endpoint, page and hub names one of them (the access test holds the table and fails on an
/// endpoint without a decision). Besides the role, every policy but <see cref="Account"/> asks for
/// membership of the experiment the request is about (<see cref="ExperimentMembership"/>).
/// </summary>
public static class Policies
{
    /// <summary>Owners only: accounts, exports with identifiers, adjudication.</summary>
    public const string Owner = "owner";
    /// <summary>Owners and researchers: run and edit studies, exports without identifiers, sessions, agreement.</summary>
    public const string Researcher = "researcher";
    /// <summary>Owners, researchers and coders: the coding queue and what it shows (the handwriting).</summary>
    public const string Coding = "coding";
    /// <summary>Owners, researchers and viewers: dashboards and reports.</summary>
    public const string Viewing = "viewing";
    /// <summary>Anyone logged in: their own password, logging out, the start page (which sends a coder to the queue).</summary>
    public const string Account = "account";

    public static readonly IReadOnlyDictionary<string, Role[]> RolesOf = new Dictionary<string, Role[]>
    {
        [Owner] = [Role.Owner],
        [Researcher] = [Role.Owner, Role.Researcher],
        [Coding] = [Role.Owner, Role.Researcher, Role.Coder],
        [Viewing] = [Role.Owner, Role.Researcher, Role.Viewer],
        [Account] = Enum.GetValues<Role>(),
    };

    public const string RoleClaim = ClaimTypes.Role;
    public const string ExperimentClaim = "selfref:experiment";
    public const string StampClaim = "selfref:stamp";

    public static void AddResearcherPolicies(this AuthorizationOptions options)
    {
        foreach (var (name, roles) in RolesOf)
            options.AddPolicy(name, policy =>
            {
                policy.RequireAuthenticatedUser().RequireRole(roles.Select(r => r.Name()));
                if (name != Account) policy.AddRequirements(new ExperimentMembership());
            });
    }

    /// <summary>The account's role as its login says (refreshed on every request, see <see cref="AccountSessions"/>).</summary>
    public static Role? RoleOf(this ClaimsPrincipal user) => Roles.Parse(user.FindFirstValue(RoleClaim));

    /// <summary>Whether the logged-in account's role is one the policy admits (for showing or hiding links and forms).</summary>
    public static bool Allowed(this ClaimsPrincipal user, string policy) => user.RoleOf() is { } role && RolesOf[policy].Contains(role);

    public static bool MemberOf(this ClaimsPrincipal user, string experimentId) =>
        user.RoleOf() == Role.Owner || user.FindAll(ExperimentClaim).Any(c => string.Equals(c.Value, experimentId, StringComparison.Ordinal));

    /// <summary>The claims a login carries: name, role, stamp and the experiments it is a member of.</summary>
    public static ClaimsPrincipal Principal(ResearcherAccount account, string scheme) =>
        new(new ClaimsIdentity(
            new[] { new Claim(ClaimTypes.Name, account.Id), new Claim(RoleClaim, account.Role.Name()), new Claim(StampClaim, account.Stamp) }
                .Concat(account.Experiments.Select(e => new Claim(ExperimentClaim, e))),
            scheme));
}

/// <summary>A non-owner reaches an experiment, or a session of one, only as a member of it (like JATOS study members).</summary>
public sealed class ExperimentMembership : IAuthorizationRequirement;

/// <summary>Finds which experiment a request is about (route value, or the experiment of the session it names) and checks membership.</summary>
public sealed class ExperimentMembershipHandler(IStore store) : AuthorizationHandler<ExperimentMembership>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ExperimentMembership requirement)
    {
        var http = context.Resource as HttpContext;
        // The hub checks membership per call (Watch); a request naming no experiment needs none.
        if (http is null || ExperimentOf(http) is not { } experiment || context.User.MemberOf(experiment)) context.Succeed(requirement);
        return Task.CompletedTask;
    }

    /// <summary>The experiment a researcher request is about: /researcher/experiments/{id}/…, or the session's of /researcher/sessions/{id or sessionId}/…</summary>
    public string? ExperimentOf(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        var values = http.GetRouteData().Values;
        if (path.StartsWith("/researcher/sessions/", StringComparison.OrdinalIgnoreCase))
        {
            var sessionId = (values.GetValueOrDefault("sessionId") ?? values.GetValueOrDefault("id"))?.ToString();
            // An unknown session names no experiment the caller could learn anything about: the endpoint answers 404 as to anyone.
            return sessionId is null ? null : store.FindSession(sessionId)?.ExperimentId ?? "";
        }
        return path.StartsWith("/researcher/experiments/", StringComparison.OrdinalIgnoreCase) ? values.GetValueOrDefault("id")?.ToString() : null;
    }
}

/// <summary>
/// A page whose forms do more than its GET shows (excluding sessions on a page viewers may read):
/// its POST handlers need this policy too, checked by <see cref="PostPolicyFilter"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class PostPolicyAttribute(string policy) : Attribute
{
    public string Policy { get; } = policy;
}

public sealed class PostPolicyFilter(IAuthorizationService authorization) : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var method = context.HttpContext.Request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method)
            && context.ActionDescriptor.EndpointMetadata.OfType<PostPolicyAttribute>().FirstOrDefault() is { } post
            && !(await authorization.AuthorizeAsync(context.HttpContext.User, context.HttpContext, post.Policy)).Succeeded)
        {
            context.Result = new Microsoft.AspNetCore.Mvc.ForbidResult();
            return;
        }
        await next();
    }
}
