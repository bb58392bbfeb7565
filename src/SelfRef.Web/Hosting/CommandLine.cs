using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using SelfRef.Web.Commands;

namespace SelfRef.Web.Hosting;

/// <summary>
/// The program's command line: the verb (serve when none is named), its options checked against
/// the verb's declaration, and the settings it hands to the configuration (<see cref="SelfRefHost"/>).
/// --help (-h) on the root and on every verb prints usage and starts nothing; an unknown option, a
/// missing value or a value of the wrong type is one line on stderr and exit code 2.
/// </summary>
public sealed class CommandLine
{
    /// <summary>Every verb but serve (which is Program.cs). A new verb: its file in Commands/ and one line here.</summary>
    public static readonly IReadOnlyList<Verb> Verbs =
    [
        ValidateCommand.Verb,
        SchemaCommand.Verb,
        AnalyzeCommand.Verb,
        ExportCommand.Verb,
        SimulateCommand.Verb,
        AccountCommand.Verb,
        RederiveCommand.Verb,
        PreregCommand.Verb,
    ];

    private static readonly Command Serve = new(ServeCommand.Name, ServeCommand.Description);
    private static readonly RootCommand Root = BuildRoot();
    private static readonly Dictionary<Command, Verb> ByCommand = Verbs.ToDictionary(v => v.Command);

    // An argument starting with '@' is a value (an account may be called that), not a file to read more arguments from.
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    private CommandLine(ParseResult parsed, IReadOnlyList<string> settings, string? problem)
    {
        Parsed = parsed;
        Settings = settings;
        Problem = problem;
    }

    public ParseResult Parsed { get; }

    /// <summary>The settings the command line gives, as <c>--key=value</c>: the setting options (<c>--db</c>) and any <c>--Section:Key=value</c>.</summary>
    public IReadOnlyList<string> Settings { get; }

    /// <summary>The one line said about a mistake in the arguments, if there is one.</summary>
    public string? Problem { get; }

    /// <summary>The verb's name: serve when none was named.</summary>
    public string Verb => Parsed.CommandResult.Command == Root ? ServeCommand.Name : Parsed.CommandResult.Command.Name;

    /// <summary>Whether the program is to serve: serve (named or not), no --help, no mistake.</summary>
    public bool Serves => Verb == ServeCommand.Name && Problem is null && IsTheCommand(Parsed.Action);

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var (settings, rest, settingProblem) = SplitSettings(args);
        var parsed = Root.Parse(rest, Parsing);
        // (A value is read only from a parse without errors: the parser throws for one that did not convert.)
        if (parsed.Errors.Count == 0)
            foreach (var option in parsed.CommandResult.Command.Options.OfType<SettingOption>())
                if (parsed.GetResult(option) is { Implicit: false } && parsed.GetValue(option) is { } value)
                    settings.Add($"--{option.Key}={value}");
        return new CommandLine(parsed, settings, Describe(parsed, settingProblem, StrayOption(parsed, rest)));
    }

    /// <summary>Runs a verb, prints help or the mistake; serving is Program.cs's (check <see cref="Serves"/> first).</summary>
    public int Run(TextReader input, TextWriter output, TextWriter error)
    {
        if (!IsTheCommand(Parsed.Action) && Parsed.Action is not ParseErrorAction)
            return Parsed.Invoke(new InvocationConfiguration { Output = output, Error = error }); // --help, --version
        if (Problem is not null)
        {
            error.WriteLine(Problem);
            return 2;
        }
        if (Serves) throw new InvalidOperationException("serving is Program.cs's: it checks CommandLine.Serves first");
        var builder = SelfRefHost.CreateBuilder(Settings, serving: false);
        if (SelfRefHost.Settings(builder.Configuration, error) is not { } settings) return 2;
        return ByCommand[Parsed.CommandResult.Command].Run(new VerbRun(Parsed, builder.Configuration, settings, input, output, error));
    }

    /// <summary>Parses and runs a verb in this process, as the program would (tests).</summary>
    public static int Run(IReadOnlyList<string> args, TextReader input, TextWriter output, TextWriter error) => Parse(args).Run(input, output, error);

    private static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "SelfRef: browser experiments on the self-reference effect. Without a verb it serves (see serve). "
            + "Every setting can also be given as --Section:Key=value (e.g. --SelfRef:SessionQuotaMegabytes=64), "
            + "in the environment (SelfRef__SessionQuotaMegabytes=64) or in appsettings.json beside the program.");
        foreach (var option in ServeCommand.Options)
        {
            root.Options.Add(option);
            Serve.Options.Add(option);
        }
        // The root serves; the action only marks that (Program.cs serves), and saves the parser's "Required command was not provided".
        root.SetAction(_ => 0);
        Serve.SetAction(_ => 0);
        root.Subcommands.Add(Serve);
        foreach (var verb in Verbs) root.Subcommands.Add(verb.Command);
        return root;
    }

    private static bool IsTheCommand(CommandLineAction? action) => action is null || action == Root.Action || action == Serve.Action;

    /// <summary>
    /// Configuration given directly, as ASP.NET Core reads it from a command line:
    /// <c>--Section:Key=value</c> or <c>--Section:Key value</c>. The rest is for the parser.
    /// </summary>
    private static (List<string> Settings, List<string> Remaining, string? Problem) SplitSettings(IReadOnlyList<string> args)
    {
        var settings = new List<string>();
        var rest = new List<string>();
        string? problem = null;
        // A configuration flattened into arguments (a test host's) names each section, empty, before its keys: --SelfRef= --SelfRef:Database=…
        var sections = args.Select(Key).OfType<string>().Where(k => k.Contains(':')).Select(k => k[..k.IndexOf(':')]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                rest.AddRange(args.Skip(i));
                break;
            }
            if (Key(arg) is not { } key) rest.Add(arg);
            else if (key.Contains(':'))
            {
                if (arg.Contains('=')) settings.Add(arg);
                else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) settings.Add($"{arg}={args[++i]}");
                else problem ??= $"{arg} needs a value, e.g. {arg}=VALUE";
            }
            else if (!(arg.EndsWith('=') && sections.Contains(key))) rest.Add(arg);
        }
        return (settings, rest, problem);
    }

    private static string? Key(string arg) =>
        arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2 ? arg[2..].Split('=', 2)[0] : null;

    /// <summary>A word like an option where the verb takes files or names (<c>validate --experimnet</c>): the parser would take it as a file.</summary>
    private static string? StrayOption(ParseResult parsed, List<string> rest)
    {
        var literal = rest.SkipWhile(a => a != "--").Skip(1).ToHashSet();
        return parsed.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens).Select(t => t.Value)
            .FirstOrDefault(v => v.Length > 1 && v[0] == '-' && !literal.Contains(v));
    }

    private static string? Describe(ParseResult parsed, string? settingProblem, string? stray)
    {
        var command = parsed.CommandResult.Command;
        var atRoot = command == Root;
        var problem = settingProblem ?? (parsed.UnmatchedTokens.FirstOrDefault() ?? stray) switch
        {
            null => parsed.Errors.FirstOrDefault() switch
            {
                null => null,
                { SymbolResult: OptionResult { Implicit: false, IdentifierToken: { } name, Tokens.Count: 0 } } => $"{name.Value} needs a value",
                var error => error.Message,
            },
            var token when token.StartsWith('-') => $"unknown option '{token}'",
            var token when atRoot => $"unknown verb '{token}'; the verbs are {string.Join(", ", Root.Subcommands.Select(c => c.Name))}",
            var token => $"unexpected argument '{token}'",
        };
        if (problem is null) return null;
        return atRoot ? $"{problem} (--help lists the verbs and options)" : $"{command.Name}: {problem} ({command.Name} --help lists the options)";
    }
}
