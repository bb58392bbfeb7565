using System.CommandLine;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Commands;

/// <summary>
/// A verb of the program: its command line (name, description, options and arguments: what
/// --help shows and what every argument is checked against) and what it does. A new verb is one
/// file with a <c>public static Verb Verb</c> (declared below its options: static fields start in
/// order) and one line in <see cref="CommandLine.Verbs"/>.
/// </summary>
public sealed record Verb(Command Command, Func<VerbRun, int> Run);

/// <summary>
/// One run of a verb: its parsed arguments (already checked: every option known, every value of
/// the right type), the configuration the server reads too, its <see cref="SelfRefOptions"/>
/// (bound and validated), and the console.
/// </summary>
public sealed record VerbRun(ParseResult Parsed, IConfiguration Configuration, SelfRefOptions Settings, TextReader Input, TextWriter Output, TextWriter Error)
{
    public string Name => Parsed.CommandResult.Command.Name;

    public T? Get<T>(Option<T> option) => Parsed.GetValue(option);

    public T? Get<T>(Argument<T> argument) => Parsed.GetValue(argument);

    /// <summary>Whether the option was given on the command line (not just its default).</summary>
    public bool Given(Option option) => Parsed.GetResult(option) is { Implicit: false };

    /// <summary>Arguments that do not go together (which the parser cannot see): one line, exit code 2.</summary>
    public int Usage(string problem)
    {
        Error.WriteLine($"{Name}: {problem} ({Name} --help lists the options)");
        return 2;
    }

    /// <summary>The work could not be done: one line, exit code 1.</summary>
    public int Failed(string problem)
    {
        Error.WriteLine($"{Name}: {problem}");
        return 1;
    }
}
