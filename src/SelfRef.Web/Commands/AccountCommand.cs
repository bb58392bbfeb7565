using System.CommandLine;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Web.Hosting;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Commands;

/// <summary>
/// `account add NAME [--password-stdin] [--reset]` and `account list`: researcher accounts in the
/// database (the server must be stopped: LiteDB allows one process per file).
/// </summary>
public static partial class AccountCommand
{
    public const int MinPasswordLength = 10;

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex UserName();

    private static readonly Argument<string> Action = new("action") { Description = "add or list", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Argument<string> User = new("name") { Description = "The user name for add: 1 to 64 letters, digits, '.', '-', '_' or '@'", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Option<bool> PasswordStdin = VerbOptions.Flag("--password-stdin", "Read the password (10 characters or more) from the first line of standard input instead of generating one");
    private static readonly Option<bool> Reset = VerbOptions.Flag("--reset", "Give an existing account a new password");

    public static Verb Verb { get; } = new(
        new Command("account", "Add a researcher account or list them, in the database (the server stopped).")
        {
            Action, User, PasswordStdin, Reset, SettingOption.Database, SettingOption.Environment,
        },
        Run);

    private static int Run(VerbRun run)
    {
        var action = run.Get(Action);
        var user = run.Get(User);
        if (action is not ("add" or "list") || (action == "add") != (user is not null))
            return run.Usage("use 'account add NAME [--password-stdin] [--reset]' or 'account list' (with --db FILE for another database)");
        try
        {
            using var store = new LiteDbStore(run.Settings.DatabasePath);
            return action == "list" ? List(store, run.Output) : Add(store, user!, run);
        }
        catch (IOException e)
        {
            return run.Failed(e.Message);
        }
    }

    private static int List(IStore store, TextWriter output)
    {
        var accounts = store.Accounts();
        if (accounts.Count == 0) output.WriteLine("no researcher accounts yet (the server creates the first on start)");
        foreach (var account in accounts)
            output.WriteLine($"{account.Id,-24} created {account.CreatedAt:yyyy-MM-dd HH:mm} UTC");
        return 0;
    }

    private static int Add(IStore store, string user, VerbRun run)
    {
        if (!UserName().IsMatch(user)) return run.Failed($"'{user}' is not a valid user name: use 1 to 64 letters, digits, '.', '-', '_' or '@'");
        var exists = store.FindAccount(user) is not null;
        if (exists && !run.Get(Reset)) return run.Failed($"'{user}' exists already; add --reset to give it a new password");
        var fromInput = run.Get(PasswordStdin);
        var password = fromInput ? run.Input.ReadLine()?.TrimEnd('\r', '\n') ?? "" : Secrets.Token();
        if (password.Length < MinPasswordLength)
            return run.Failed($"the password from standard input is too short ({password.Length} characters; at least {MinPasswordLength})");
        new ResearcherAccounts(store, Options.Create(run.Settings), TimeProvider.System).Create(user, password).GetAwaiter().GetResult();
        var verb = exists ? "Reset the password of" : "Added";
        run.Output.WriteLine(fromInput
            ? $"{verb} researcher account '{user}' with the password from standard input."
            : $"{verb} researcher account '{user}' with password: {password}\n  (shown only now; keep it somewhere safe)");
        return 0;
    }
}
