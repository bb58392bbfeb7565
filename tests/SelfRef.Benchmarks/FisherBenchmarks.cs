using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using SelfRef.Stats.Estimators;

namespace SelfRef.Benchmarks;

/// <summary>
/// Fisher's exact test on the tables a replication compares (2×K, conditions × outcome) and on
/// small r×c tables: `fisher` runs these with BenchmarkDotNet; `fisher-frontier` prints, for
/// 2×K tables of growing K and n, which method the feasibility rule picks, its steps and time.
/// Run by hand in Release. Figures: docs/benchmarks.md, "Fisher's exact test".
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 6)]
public class FisherBenchmarks
{
    /// <summary>Name (shape, n, p) → table, rows separated by "/"; "MC": beyond the exact sum, Monte Carlo with 100,000 replicates.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tables = new Dictionary<string, string>
    {
        ["2x4 20k issue"] = "4514 4542 4477 4467 / 486 458 523 533",
        ["2x3 95k 5e-27"] = "29263 29542 30010 / 2391 2179 1728",
        ["2x3 100k 1e-12"] = "16714 17122 16165 / 16620 16211 17168",
        ["2x4 100k 0.05"] = "22532 22593 22450 22426 / 2468 2407 2550 2574",
        ["2x4 100k 8e-13"] = "22587 22754 22363 22296 / 2413 2246 2637 2704",
        ["2x5 20k 0.01"] = "3608 3636 3570 3558 3628 / 392 364 430 442 372",
        ["2x6 5k 0.05"] = "752 764 736 732 760 757 / 82 70 97 101 73 76",
        ["2x8 2k 0.05"] = "228 234 220 218 232 230 217 222 / 22 16 30 32 18 20 33 28",
        ["2x10 1k 0.12"] = "90 95 89 92 90 93 83 91 85 94 / 10 5 11 8 10 7 17 9 15 6",
        ["2x10 100k rare 0.46"] = "3 5 2 7 4 1 6 3 2 5 / 9997 9995 9998 9993 9996 9999 9994 9997 9998 9995",
        ["2x10 100k rare 3e-7"] = "20 3 2 4 1 3 2 2 3 1 / 9980 9997 9998 9996 9999 9997 9998 9998 9997 9999",
        ["2x10 100k 2 big 0.96"] = "11 13 17 18 18 23 25 28 44930 44905 / 1 2 1 2 4 2 3 2 4985 5010",
        ["4x4 46 3e-6"] = "8 2 0 3 / 1 7 2 1 / 0 2 9 1 / 2 1 1 6",
        ["3x3 79 4e-8"] = "20 5 2 / 4 15 6 / 1 3 12",
        ["2x10 100k MC"] = "9003 9012 8990 8987 9010 9007 8985 8993 9013 9000 / 997 988 1010 1013 990 993 1015 1007 987 1000",
    };

    private int[,] _table = new int[0, 0];

    public static IEnumerable<string> Names => Tables.Keys;

    [ParamsSource(nameof(Names))]
    public string Table { get; set; } = "";

    public static void Run(string[] args) => BenchmarkRunner.Run<FisherBenchmarks>(args: args);

    [GlobalSetup]
    public void Setup() => _table = Parse(Tables[Table]);

    [Benchmark]
    public double Compute() => FisherExactTest.Compute(_table).PValue;

    public static int[,] Parse(string text)
    {
        var rows = text.Split('/').Select(r => r.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var t = new int[rows.Length, rows[0].Length];
        for (var i = 0; i < rows.Length; i++)
            for (var j = 0; j < rows[0].Length; j++) t[i, j] = rows[i][j];
        return t;
    }

    /// <summary>`fisher-frontier`: the method, steps and time for 2×K tables of K = 2..10 and n = 1,000..100,000.</summary>
    internal static int Frontier(Arguments options)
    {
        var target = options.Double("--p", 0.05);
        int[] sizes = [1_000, 10_000, 100_000];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"2×K tables, equal columns, 90 % in the first outcome, chi-square p ≈ {target}; time of one call after a warm-up call"));
        Console.WriteLine($"{"K",3} {"n",8} {"method",-12} {"p",12} {"steps",14} {"ms",8}");
        foreach (var k in Enumerable.Range(2, 9))
            foreach (var n in sizes)
            {
                var t = TableWithChiSquareP(k, n, 0.9, target);
                FisherExactTest.Compute(t); // warm-up (compilation), same table
                var clock = Stopwatch.StartNew();
                var r = FisherExactTest.Compute(t);
                clock.Stop();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{k,3} {n,8:N0} {(r.Method == FisherMethod.Exact ? "exact" : "Monte Carlo"),-12} {r.PValue,12:G4} {r.TablesEnumerated,14:N0} {clock.Elapsed.TotalMilliseconds,8:F0}"));
            }
        return 0;
    }

    /// <summary>A 2×K table with equal columns whose chi-square p is close to <paramref name="target"/>: first-row shares base + s·(a fixed pattern), s by bisection.</summary>
    public static int[,] TableWithChiSquareP(int k, int n, double share, double target)
    {
        var sizes = Enumerable.Range(0, k).Select(j => n / k + (j < n % k ? 1 : 0)).ToArray();
        var pattern = Enumerable.Range(0, k).Select(j => Math.Sin(1.7 * j + 0.3)).ToArray();
        var mean = pattern.Average();
        double lo = 0, hi = 0.5;
        var t = new int[2, k];
        for (var step = 0; step < 60; step++)
        {
            var s = (lo + hi) / 2;
            for (var j = 0; j < k; j++)
            {
                t[0, j] = Math.Clamp((int)Math.Round(sizes[j] * (share + s * (pattern[j] - mean))), 0, sizes[j]);
                t[1, j] = sizes[j] - t[0, j];
            }
            if (PearsonChiSquare.Compute(t).PValue > target) lo = s; else hi = s;
        }
        return t;
    }
}
