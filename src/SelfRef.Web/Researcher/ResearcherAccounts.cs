using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SelfRef.Core.Accounts;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Researcher;

/// <summary>Researcher logins: passwords hashed with ASP.NET Core Identity's PBKDF2 hasher, never stored in clear.</summary>
public sealed class ResearcherAccounts(IStore store, IOptions<SelfRefOptions> options, TimeProvider time)
{
    private readonly PasswordHasher<ResearcherAccount> _hasher = new();

    /// <summary>
    /// On the first start there is no account: create one, with the configured password or a
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
            ? $"Created researcher account '{user}' with password: {password}\n  (shown only now; keep it somewhere safe)"
            : $"Created researcher account '{user}' with the password from configuration.");
    }

    public Task Create(string user, string password)
    {
        var account = new ResearcherAccount { Id = user, CreatedAt = time.GetUtcNow().UtcDateTime };
        return store.SaveAccount(account with { PasswordHash = _hasher.HashPassword(account, password) });
    }

    public bool Verify(string user, string password)
    {
        if (store.FindAccount(user) is not { } account)
        {
            // Hash anyway so that a wrong user name takes as long as a wrong password.
            _hasher.HashPassword(new ResearcherAccount(), password);
            return false;
        }
        return _hasher.VerifyHashedPassword(account, account.PasswordHash, password) != PasswordVerificationResult.Failed;
    }
}
