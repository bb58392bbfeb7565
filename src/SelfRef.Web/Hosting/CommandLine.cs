namespace SelfRef.Web.Hosting;

/// <summary>The verb (serve, validate, schema, analyze, export, simulate, account) and the rest of the arguments.</summary>
public sealed record CommandLine(string Verb, string[] Options, string[] Files)
{
    public static readonly string[] Verbs = ["serve", "validate", "schema", "analyze", "export", "simulate", "account"];

    /// <summary>Switches that take no value (so the word after them is not taken as theirs).</summary>
    public static readonly string[] Flags = ["--password-stdin", "--reset", "--include-identifiers", "--power"];

    /// <summary>Short switches for the settings a researcher changes most.</summary>
    public static readonly Dictionary<string, string> Switches = new()
    {
        ["--db"] = $"{SelfRefOptions.Section}:Database",
        ["--experiments"] = $"{SelfRefOptions.Section}:Experiments",
        ["--public-url"] = $"{SelfRefOptions.Section}:PublicUrl",
        ["--keys"] = $"{SelfRefOptions.Section}:KeyFolder",
    };

    public static CommandLine Parse(string[] args)
    {
        var verb = args.Length > 0 && Verbs.Contains(args[0]) ? args[0] : "serve";
        var rest = verb == "serve" && (args.Length == 0 || args[0] != "serve") ? args : args[1..];
        var options = new List<string>();
        var files = new List<string>();
        for (var i = 0; i < rest.Length; i++)
        {
            if (rest[i].StartsWith('-'))
            {
                options.Add(rest[i]);
                if (!rest[i].Contains('=') && !Flags.Contains(rest[i]) && i + 1 < rest.Length && !rest[i + 1].StartsWith('-')) options.Add(rest[++i]);
            }
            else files.Add(rest[i]);
        }
        return new CommandLine(verb, options.ToArray(), files.ToArray());
    }

    /// <summary>Whether a switch without a value (e.g. --include-identifiers) was given.</summary>
    public bool Flag(string name) => Options.Contains(name);

    public string? Option(string name)
    {
        for (var i = 0; i < Options.Length; i++)
        {
            if (Options[i] == name && i + 1 < Options.Length) return Options[i + 1];
            if (Options[i].StartsWith(name + "=")) return Options[i][(name.Length + 1)..];
        }
        return null;
    }
}
