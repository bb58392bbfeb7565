using System.Globalization;

namespace SelfRef.Stats.Tests.ReferenceTests;

/// <summary>Agreement with R, with a message that says what a researcher would have read wrongly.</summary>
internal static class Agree
{
    public const double Exact = 1e-9;     // closed forms and sums
    public const double Iterative = 1e-6; // where R itself iterates (uniroot, qbeta)

    public static bool Within(double expected, double actual, double relative)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual)) return double.IsNaN(expected) && double.IsNaN(actual);
        if (double.IsInfinity(expected) || double.IsInfinity(actual)) return expected == actual;
        if (expected == 0) return Math.Abs(actual) <= 1e-15;
        return Math.Abs(actual - expected) <= relative * Math.Abs(expected);
    }

    /// <param name="what">What the number is, in a researcher's words, e.g. "Wilson 95 % CI lower limit for 480/500".</param>
    /// <param name="rCall">The R call that gives the reference, e.g. "prop.test(480, 500, correct = FALSE)$conf.int[1]".</param>
    public static void Close(double expected, double actual, string what, string rCall, double relative = Exact)
    {
        if (Within(expected, actual, relative)) return;
        var diff = expected == 0 || !double.IsFinite(expected) ? "" : $" (relative difference {Math.Abs(actual - expected) / Math.Abs(expected):G3}, allowed {relative:G1})";
        Assert.Fail($"The report would show {what} = {Show(actual)}, but R's {rCall} gives {Show(expected)}{diff}.");
    }

    private static string Show(double v) => v.ToString("G17", CultureInfo.InvariantCulture);
}
