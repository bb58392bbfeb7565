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

    public static int Run(CommandLine command, TextReader input, TextWriter output, TextWriter error)
    {
        var action = command.Files.FirstOrDefault();
        if (action is not ("add" or "list") || (action == "add") != (command.Files.Length == 2) || (action == "list" && command.Files.Length != 1))
        {
            error.WriteLine("account: use 'account add NAME [--password-stdin] [--reset]' or 'account list' (with --db FILE for another database)");
            return 2;
        }
        try
        {
            using var store = new LiteDbStore(Path.GetFullPath(command.Option("--db") ?? "data/selfref.db"));
            return action == "list" ? List(store, output) : Add(store, command.Files[1], command, input, output, error);
        }
        catch (IOException e)
        {
            error.WriteLine($"account: {e.Message}");
            return 1;
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

    private static int Add(IStore store, string user, CommandLine command, TextReader input, TextWriter output, TextWriter error)
    {
        if (!UserName().IsMatch(user))
        {
            error.WriteLine($"account: '{user}' is not a valid user name: use 1 to 64 letters, digits, '.', '-', '_' or '@'");
            return 1;
        }
        var exists = store.FindAccount(user) is not null;
        if (exists && !command.Flag("--reset"))
        {
            error.WriteLine($"account: '{user}' exists already; add --reset to give it a new password");
            return 1;
        }
        var fromInput = command.Flag("--password-stdin");
        var password = fromInput ? input.ReadLine()?.TrimEnd('\r', '\n') ?? "" : Secrets.Token();
        if (password.Length < MinPasswordLength)
        {
            error.WriteLine($"account: the password from standard input is too short ({password.Length} characters; at least {MinPasswordLength})");
            return 1;
        }
        new ResearcherAccounts(store, Options.Create(new SelfRefOptions()), TimeProvider.System).Create(user, password).GetAwaiter().GetResult();
        var verb = exists ? "Reset the password of" : "Added";
        output.WriteLine(fromInput
            ? $"{verb} researcher account '{user}' with the password from standard input."
            : $"{verb} researcher account '{user}' with password: {password}\n  (shown only now; keep it somewhere safe)");
        return 0;
    }
}
