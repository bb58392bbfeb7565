using System.CommandLine;
using Microsoft.Extensions.Options;
using SelfRef.Core.Accounts;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Storage.Postgres;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Commands;

/// <summary>
/// `account add NAME [--role R] [--experiment ID]… [--password-stdin] [--reset]` and `account list`:
/// accounts in the database, with the server stopped (LiteDB allows one process per file; the
/// store's lock file turns a running server into a clear refusal). While the server runs, owners
/// change accounts on its page /researcher/accounts instead.
/// </summary>
public static class AccountCommand
{
    public const int MinPasswordLength = ResearcherAccounts.MinPasswordLength;

    private static readonly Argument<string> Action = new("action") { Description = "add or list", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Argument<string> User = new("name") { Description = "The user name for add: 1 to 64 letters, digits, '.', '-', '_' or '@'", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Option<bool> PasswordStdin = VerbOptions.Flag("--password-stdin", "Read the password (10 characters or more) from the first line of standard input instead of generating one");
    private static readonly Option<bool> Reset = VerbOptions.Flag("--reset", "Give an existing account a new password (its role and experiments stay unless --role or --experiment are given)");
    private static readonly Option<string> RoleOption = VerbOptions.Text("--role", "ROLE",
        $"owner, researcher, coder or viewer (default for a new account: owner, as whoever can open the database file could do everything anyway)");
    private static readonly Option<string[]> Experiment = new("--experiment")
    {
        HelpName = "ID", Description = "An experiment a non-owner is a member of (repeat for several); owners see every experiment", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false,
    };

    public static Verb Verb { get; } = new(
        new Command("account", "Add an account or list them, in the database (the server stopped; while it runs, owners use /researcher/accounts).")
        {
            Action, User, PasswordStdin, Reset, RoleOption, Experiment, SettingOption.Database, SettingOption.Store, SettingOption.ConnectionString, SettingOption.Environment,
        },
        Run);

    private static int Run(VerbRun run)
    {
        var action = run.Get(Action);
        var user = run.Get(User);
        if (action is not ("add" or "list") || (action == "add") != (user is not null))
            return run.Usage("use 'account add NAME [--role owner|researcher|coder|viewer] [--experiment ID]… [--password-stdin] [--reset]' or 'account list' (with --db FILE for another database)");
        Role? role = null;
        if (run.Get(RoleOption) is { } typed && (role = Roles.Parse(typed)) is null)
            return run.Usage($"--role must be one of {string.Join(", ", Roles.Names)}, not '{typed}'");
        try
        {
            using var store = run.Settings.UsesPostgres ? new PostgresStore(run.Settings.ConnectionString!) : (IStore)new LiteDbStore(run.Settings.DatabasePath);
            return action == "list" ? List(store, run.Output) : Add(store, user!, role, run);
        }
        catch (IOException e) when (e.Message.Contains("in use", StringComparison.Ordinal))
        {
            return run.Failed($"the database {run.Settings.DatabasePath} is in use by a running server: change accounts on its page /researcher/accounts (logged in as an owner), or stop the server first");
        }
        catch (IOException e)
        {
            return run.Failed(e.Message);
        }
        catch (Npgsql.NpgsqlException e)
        {
            return run.Failed($"the PostgreSQL database cannot be used: {e.Message}");
        }
    }

    private static int List(IStore store, TextWriter output)
    {
        var accounts = store.Accounts();
        if (accounts.Count == 0) output.WriteLine("no accounts yet (the server creates the first owner on start)");
        foreach (var account in accounts)
            output.WriteLine($"{account.Id,-24} {account.Role.Name(),-10} {(account.Disabled ? "disabled" : "active"),-8} created {account.CreatedAt:yyyy-MM-dd HH:mm} UTC" +
                (account.Role == Role.Owner ? "" : $"  experiments: {(account.Experiments.Count == 0 ? "none" : string.Join(", ", account.Experiments))}"));
        return 0;
    }

    private static int Add(IStore store, string user, Role? role, VerbRun run)
    {
        if (!ResearcherAccounts.ValidName(user)) return run.Failed($"'{user}' is not a valid user name: use 1 to 64 letters, digits, '.', '-', '_' or '@'");
        var existing = store.FindAccount(user);
        if (existing is not null && !run.Get(Reset)) return run.Failed($"'{user}' exists already; add --reset to give it a new password");
        var fromInput = run.Get(PasswordStdin);
        var password = fromInput ? run.Input.ReadLine()?.TrimEnd('\r', '\n') ?? "" : Secrets.Token();
        if (password.Length < MinPasswordLength)
            return run.Failed($"the password from standard input is too short ({password.Length} characters; at least {MinPasswordLength})");
        var chosen = role ?? existing?.Role ?? Role.Owner;
        var experiments = run.Get(Experiment) is { Length: > 0 } given ? given : existing?.Experiments.ToArray() ?? [];
        // The same hashing as the server; experiment ids are not checked here (the verb does not read the experiments folder).
        new ResearcherAccounts(store, Options.Create(run.Settings), TimeProvider.System).Create(user, password, chosen, experiments).GetAwaiter().GetResult();
        var verb = existing is not null ? "Reset the password of" : "Added";
        var what = $"{verb} {chosen.Name()} account '{user}'";
        run.Output.WriteLine(fromInput
            ? $"{what} with the password from standard input."
            : $"{what} with password: {password}\n  (shown only now; keep it somewhere safe)");
        if (chosen != Role.Owner)
            run.Output.WriteLine($"  member of: {(experiments.Length == 0 ? "no experiment yet (add --experiment ID, or an owner sets it on /researcher/accounts)" : string.Join(", ", experiments))}");
        return 0;
    }
}
