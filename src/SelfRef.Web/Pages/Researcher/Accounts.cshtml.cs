using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Accounts;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Pages.Researcher;

/// <summary>
/// Owners manage accounts while the server runs: add (with a generated or chosen password, shown
/// once), reset a password, disable or enable, and set role and experiment membership. Changes
/// apply to open logins at their next request (<see cref="ResearcherAccounts.ValidatePrincipal"/>).
/// </summary>
[Authorize(Policy = Policies.Owner)]
public sealed class AccountsModel(IStore store, ResearcherAccounts accounts, SessionService sessions) : PageModel
{
    public IReadOnlyList<ResearcherAccount> Accounts { get; private set; } = [];
    public IReadOnlyList<string> Experiments { get; private set; } = [];
    /// <summary>What was done, e.g. a new password shown this once.</summary>
    public string? Done { get; private set; }
    public string? Error { get; private set; }

    public void OnGet() => Load();

    public Task<IActionResult> OnPostAddAsync(string? name, string? role, string? password, string[]? experiments) => Act(async () =>
    {
        var chosen = Roles.Parse(role) ?? throw new AccountException($"role must be one of {string.Join(", ", Roles.Names)}, not '{role}'");
        var generated = string.IsNullOrEmpty(password);
        var secret = generated ? Secrets.Token() : password!;
        await accounts.Add(name?.Trim() ?? "", secret, chosen, Known(experiments));
        return generated
            ? $"Added {chosen.Name()} account '{name}' with password: {secret} (shown only now; hand it over safely)."
            : $"Added {chosen.Name()} account '{name}' with the password you typed.";
    });

    public Task<IActionResult> OnPostResetAsync(string user) => Act(async () =>
    {
        var secret = Secrets.Token();
        await accounts.SetPassword(user, secret);
        return $"New password for '{user}': {secret} (shown only now; its open logins have ended).";
    });

    public Task<IActionResult> OnPostDisableAsync(string user) => Act(async () =>
    {
        await accounts.SetDisabled(user, true);
        return $"Disabled '{user}': it can no longer log in, and its open logins have ended.";
    });

    public Task<IActionResult> OnPostEnableAsync(string user) => Act(async () =>
    {
        await accounts.SetDisabled(user, false);
        return $"Enabled '{user}' again.";
    });

    public Task<IActionResult> OnPostMembershipAsync(string user, string? role, string[]? experiments) => Act(async () =>
    {
        var chosen = Roles.Parse(role) ?? throw new AccountException($"role must be one of {string.Join(", ", Roles.Names)}, not '{role}'");
        await accounts.SetRole(user, chosen, Known(experiments));
        return $"'{user}' is now {chosen.Name()}" + (chosen == Role.Owner ? " (owners see every experiment)." : $", member of {Describe(Known(experiments))}.");
    });

    private static string Describe(IReadOnlyList<string> experiments) => experiments.Count == 0 ? "no experiment" : string.Join(", ", experiments);

    // Membership names experiments the server knows; anything else from the form is a mistake, not a grant for later.
    private IReadOnlyList<string> Known(string[]? experiments)
    {
        var unknown = (experiments ?? []).Where(e => sessions.History(e) is null).ToList();
        if (unknown.Count > 0) throw new AccountException($"no experiment {string.Join(", ", unknown.Select(e => $"'{e}'"))}");
        return (experiments ?? []).Distinct(StringComparer.Ordinal).ToList();
    }

    private async Task<IActionResult> Act(Func<Task<string>> change)
    {
        try { Done = await change(); }
        catch (AccountException e)
        {
            Error = e.Message;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        Load();
        return Page();
    }

    private void Load()
    {
        Accounts = store.Accounts();
        Experiments = sessions.ExperimentIds.Order(StringComparer.Ordinal).ToList();
    }
}
