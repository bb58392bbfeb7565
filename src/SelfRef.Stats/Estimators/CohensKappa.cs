using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace SelfRef.Stats.Estimators;

/// <param name="StandardError">Large-sample SE under the alternative, Fleiss, Cohen &amp; Everitt (1969), eq. 13; used for the interval.</param>
/// <param name="StandardErrorNull">SE under κ = 0 (same paper, eq. 14); used for the z test.</param>
public sealed record CohensKappaResult(
    int N, IReadOnlyList<string> Categories, double ObservedAgreement, double ExpectedAgreement,
    double Kappa, double StandardError, double Low, double High, double Level,
    double StandardErrorNull, double Z, double PValue);

/// <summary>
/// Cohen's kappa for two coders who each assign one category per item. Undefined (NaN) when
/// chance agreement is 1, i.e. both coders used one and the same category throughout.
/// </summary>
public static class CohensKappa
{
    public static CohensKappaResult Compute(IReadOnlyList<string> coderA, IReadOnlyList<string> coderB, double level = 0.95)
    {
        if (coderA.Count != coderB.Count) throw new ArgumentException($"the coders rated different numbers of items ({coderA.Count} and {coderB.Count})");
        var categories = coderA.Concat(coderB).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var index = categories.Select((c, i) => (c, i)).ToDictionary(t => t.c, t => t.i, StringComparer.Ordinal);
        var table = new int[categories.Count, categories.Count];
        for (var i = 0; i < coderA.Count; i++) table[index[coderA[i]], index[coderB[i]]]++;
        return FromTable(table, categories, level);
    }

    /// <param name="table">Square table: rows coder A, columns coder B.</param>
    public static CohensKappaResult FromTable(int[,] table, IReadOnlyList<string> categories, double level = 0.95)
    {
        var k = table.GetLength(0);
        if (k != table.GetLength(1) || k != categories.Count) throw new ArgumentException("needs a square table with one row and column per category", nameof(table));
        Guard.Level(level);
        double n = 0;
        foreach (var v in table) n += v;
        if (n < 1) throw new ArgumentException("needs at least one coded item", nameof(table));
        var p = new double[k, k];
        var row = new double[k];
        var col = new double[k];
        for (var i = 0; i < k; i++)
            for (var j = 0; j < k; j++)
            {
                p[i, j] = table[i, j] / n;
                row[i] += p[i, j];
                col[j] += p[i, j];
            }
        double po = 0, pe = 0;
        for (var i = 0; i < k; i++)
        {
            po += p[i, i];
            pe += row[i] * col[i];
        }
        var kappa = (po - pe) / (1 - pe);

        double a = 0, b = 0, nullSum = 0;
        for (var i = 0; i < k; i++)
        {
            a += p[i, i] * Sq(1 - (row[i] + col[i]) * (1 - kappa));
            nullSum += row[i] * col[i] * (row[i] + col[i]);
            for (var j = 0; j < k; j++)
                if (i != j) b += p[i, j] * Sq(col[i] + row[j]);
        }
        b *= Sq(1 - kappa);
        var c = Sq(kappa - pe * (1 - kappa));
        var se = Math.Sqrt(Math.Max(0, a + b - c) / n) / (1 - pe);
        var se0 = Math.Sqrt(pe + pe * pe - nullSum) / ((1 - pe) * Math.Sqrt(n));
        var zCrit = Normal.InvCDF(0, 1, (1 + level) / 2);
        var z = kappa / se0;
        var pValue = 2 * 0.5 * SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2));
        return new CohensKappaResult((int)n, categories, po, pe, kappa, se, kappa - zCrit * se, kappa + zCrit * se, level, se0, z, pValue);
    }

    private static double Sq(double x) => x * x;
}
