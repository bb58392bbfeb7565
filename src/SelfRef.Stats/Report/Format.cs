using System.Globalization;

namespace SelfRef.Stats.Report;

/// <summary>How numbers appear in the report text (the JSON keeps full precision).</summary>
internal static class Format
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>A p-value for a table cell: "0.023", "< 0.001".</summary>
    public static string P(double p) => double.IsNaN(p) ? "not defined"
        : p < 0.001 ? "< 0.001" : p.ToString(p < 0.01 ? "0.0000" : "0.000", C);

    /// <summary>A p-value in a sentence, with its relation: "p = 0.023", "p < 0.001" (never "p = < 0.001").</summary>
    public static string PIs(double p, string name = "p") => double.IsNaN(p) ? $"{name} not defined"
        : p < 0.001 ? $"{name} < 0.001" : $"{name} = {P(p)}";

    public static string Prop(double x) => double.IsNaN(x) ? "–" : x.ToString("0.000", C);

    public static string Percent(double x) => double.IsNaN(x) ? "–" : (100 * x).ToString("0.0", C) + " %";

    public static string Num(double x, string format = "0.00") => double.IsNaN(x) ? "–"
        : double.IsPositiveInfinity(x) ? "∞" : Minus(x.ToString(format, C));

    /// <summary>
    /// Typographic minus (U+2212) for a negative number in text, as in print: a hyphen-minus reads
    /// as a hyphen or dash. Every signed number of the report goes through here or <see cref="Signed"/>.
    /// </summary>
    public static string Minus(string number) => number.StartsWith('-') ? "\u2212" + number[1..] : number;

    public static string Ms(double x) => double.IsNaN(x) ? "–" : Minus(x.ToString("#,0", C));

    public static string Level(double level) => (100 * level).ToString("0.#", C) + " %";

    public static string Interval(double low, double high) => $"{Prop(low)}–{Prop(high)}";

    /// <summary>A count too large to write out: "2.0 × 10^7".</summary>
    public static string Magnitude(double x)
    {
        if (!(x >= 1e6) || double.IsInfinity(x)) return Num(x, "#,0");
        var exponent = (int)Math.Floor(Math.Log10(x));
        var mantissa = x / Math.Pow(10, exponent);
        if (mantissa >= 9.95) { mantissa /= 10; exponent++; }
        return mantissa.ToString("0.0", C) + " × 10^" + exponent.ToString(C);
    }

    public static string Signed(double x) => double.IsNaN(x) ? "–" : x.ToString("+0.000;−0.000;0.000", C);
}
