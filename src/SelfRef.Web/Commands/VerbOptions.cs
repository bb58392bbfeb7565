using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace SelfRef.Web.Commands;

/// <summary>
/// The kinds of option the verbs take. Numbers are read the same on every machine (a point
/// before the decimals, whatever the culture), and a value that is not one is an error naming the
/// option.
/// </summary>
public static class VerbOptions
{
    public static Option<string> Text(string name, string helpName, string description) =>
        new(name) { HelpName = helpName, Description = description };

    /// <summary>A switch that takes no value, so the word after it is never taken as its value.</summary>
    public static Option<bool> Flag(string name, string description) =>
        new(name) { Description = description, Arity = ArgumentArity.Zero };

    public static Option<int> Integer(string name, string description, int fallback) => new(name)
    {
        HelpName = "N",
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = result => int.TryParse(result.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : Refuse<int>(result, $"{name} needs a whole number, was '{result.Tokens[0].Value}'"),
    };

    public static Option<double> Number(string name, string description, double fallback, string helpName = "P") => new(name)
    {
        HelpName = helpName,
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = result => Parse(result, name, result.Tokens[0].Value),
    };

    /// <summary>Comma-separated numbers, e.g. <c>--n 100,200,500</c>; null when not given (the caller's default, which the description states).</summary>
    public static Option<IReadOnlyList<double>> Numbers(string name, string helpName, string description) => new(name)
    {
        HelpName = helpName,
        Description = description,
        CustomParser = result => Split(result, name, result.Tokens[0].Value),
    };

    private static List<double> Split(ArgumentResult result, string name, string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(part => Parse(result, name, part)).ToList();

    private static double Parse(ArgumentResult result, string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : Refuse<double>(result, $"{name} needs a number such as 0.9, was '{text}'");

    private static T Refuse<T>(ArgumentResult result, string problem)
    {
        result.AddError(problem);
        return default!;
    }
}
