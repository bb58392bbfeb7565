using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SelfRef.Core.Accounts;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Researcher;

/// <summary>A change to accounts that would break a rule (a wrong name, a short password, no owner left).</summary>
public sealed class AccountException(string message) : Exception(message);

/// <summary>
/// Accounts of the researcher area: passwords hashed with ASP.NET Core Identity's PBKDF2 hasher,
/// never stored in clear; roles, membership, disabling. Used by the server's pages (while it runs,
/// through its own store) and by the `account` verb (with the server stopped).
/// </summary>
public sealed class ResearcherAccounts(IStore store, IOptions<SelfRefOptions> options, TimeProvider time)
{
    public const int MinPasswordLength = 10;
    private readonly PasswordHasher<ResearcherAccount> _hasher = new();

    /// <summary>
    /// On the first start there is no account: create an owner, with the configured password or a
    /// generated one that is printed this once.
    /// </summary>
    public void EnsureFirstAccount(TextWriter output)
    {
        if (store.AccountCount() > 0) return;
        var user = options.Value.ResearcherUser;
        var configured = options.Value.ResearcherPassword;
        var password = string.IsNullOrEmpty(configured) ? Secrets.Token() : configured;
        Create(user, password).GetAwaiter().GetResult();
        output.WriteLine(string.IsNullOrEmpty(configured)
            ? $"Created owner account '{user}' with password: {password}\n  (shown only now; keep it somewhere safe)"
            : $"Created owner account '{user}' with the password from configuration.");
    }

    public static bool ValidName(string user) => System.Text.RegularExpressions.Regex.IsMatch(user, "^[A-Za-z0-9._@-]{1,64}$");

    /// <summary>A new account (or, from the command line's --reset, a new password for an existing one, keeping its role unless one is given).</summary>
    public Task Create(string user, string password, Role role = Role.Owner, IEnumerable<string>? experiments = null)
    {
        var account = new ResearcherAccount
        {
            Id = user, CreatedAt = time.GetUtcNow().UtcDateTime, Role = role, Experiments = experiments?.Distinct(StringComparer.Ordinal).ToList() ?? [], Stamp = Secrets.Token(),
        };
        return store.SaveAccount(account with { PasswordHash = _hasher.HashPassword(account, password) });
    }

    /// <summary>Adds an account from the owners' page: the name must be new and valid, the password long enough.</summary>
    public async Task Add(string user, string password, Role role, IEnumerable<string> experiments)
    {
        if (!ValidName(user)) throw new AccountException($"'{user}' is not a valid user name: use 1 to 64 letters, digits, '.', '-', '_' or '@'");
        if (store.FindAccount(user) is not null) throw new AccountException($"an account '{user}' exists already");
        CheckPassword(password);
        await Create(user, password, role, experiments);
    }

    public static void CheckPassword(string password)
    {
        if (password.Length < MinPasswordLength) throw new AccountException($"the password is too short ({password.Length} characters; at least {MinPasswordLength})");
    }

    /// <summary>A new password; the account's open logins end.</summary>
    public Task SetPassword(string user, string password)
    {
        CheckPassword(password);
        var account = Existing(user);
        return store.SaveAccount(account with { PasswordHash = _hasher.HashPassword(account, password), Stamp = Secrets.Token() });
    }

    /// <summary>A user changes their own password, knowing the current one.</summary>
    public Task ChangeOwnPassword(string user, string current, string replacement)
    {
        if (!Verify(user, current)) throw new AccountException("the current password is not right");
        return SetPassword(user, replacement);
    }

    public Task SetRole(string user, Role role, IEnumerable<string> experiments)
    {
        var account = Existing(user);
        var changed = account with { Role = role, Experiments = experiments.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList() };
        KeepAnOwner(account, changed);
        return store.SaveAccount(changed);
    }

    /// <summary>Disables (its open logins end at their next request) or enables an account.</summary>
    public Task SetDisabled(string user, bool disabled)
    {
        var account = Existing(user);
        var changed = account with { Disabled = disabled, Stamp = disabled ? Secrets.Token() : account.Stamp };
        KeepAnOwner(account, changed);
        return store.SaveAccount(changed);
    }

    // Nobody could add accounts again (short of the command line with the server stopped).
    private void KeepAnOwner(ResearcherAccount before, ResearcherAccount after)
    {
        var wasOwner = before is { Role: Role.Owner, Disabled: false };
        var isOwner = after is { Role: Role.Owner, Disabled: false };
        if (wasOwner && !isOwner && !store.Accounts().Any(a => a.Id != before.Id && a is { Role: Role.Owner, Disabled: false }))
            throw new AccountException($"'{before.Id}' is the last owner who can log in; make another account an owner first");
    }

    private ResearcherAccount Existing(string user) => store.FindAccount(user) ?? throw new AccountException($"no account '{user}'");

    public bool Verify(string user, string password)
    {
        if (store.FindAccount(user) is not { Disabled: false } account)
        {
            // Hash anyway so that a wrong or disabled user name takes as long as a wrong password.
            _hasher.HashPassword(new ResearcherAccount(), password);
            return false;
        }
        return _hasher.VerifyHashedPassword(account, account.PasswordHash, password) != PasswordVerificationResult.Failed;
    }

    /// <summary>
    /// Every request of a login reads its account again: a disabled account or a reset password
    /// (a new stamp) ends it; a changed role or membership applies at once.
    /// </summary>
    public async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var name = context.Principal?.Identity?.Name;
        var stamp = context.Principal?.FindFirst(Policies.StampClaim)?.Value;
        if (name is null || store.FindAccount(name) is not { Disabled: false } account || !string.Equals(account.Stamp, stamp, StringComparison.Ordinal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }
        var fresh = Policies.Principal(account, CookieAuthenticationDefaults.AuthenticationScheme);
        var before = context.Principal!.Claims.Select(c => (c.Type, c.Value)).ToHashSet();
        if (!fresh.Claims.Select(c => (c.Type, c.Value)).ToHashSet().SetEquals(before))
        {
            context.ReplacePrincipal(fresh);
            context.ShouldRenew = true;
        }
    }
}
