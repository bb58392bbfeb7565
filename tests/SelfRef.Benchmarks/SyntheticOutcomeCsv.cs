using System.Globalization;
using SelfRef.Stats.Outcomes;

namespace SelfRef.Benchmarks;

/// <summary>
/// `outcomes`: a seeded, synthetic outcome table (one row per participant and task) in the
/// format <see cref="OutcomeCsv"/> reads, for timing `analyze` and comparing it with pandas.
/// The same seed and options give the same file byte for byte.
/// </summary>
/// <remarks>
/// What makes it realistic enough to exercise every path of the report: two tasks, two to four
/// balanced condition levels with a true effect on the pen task only, missing outcomes with
/// their reasons, log-normal latencies at the browser clock's 0.1 ms resolution (so some tie),
/// map distances that are short when the first target was the home town and spread over
/// thousands of kilometres otherwise, and a few participants who did not finish.
/// </remarks>
internal static class SyntheticOutcomeCsv
{
    public const string Usage = """
        usage: SelfRef.Benchmarks outcomes --out FILE.csv [--participants N] [--seed S] [--conditions 2|3|4]
          --participants N  participants, two rows each (pen, map); default 100000, at most 5000000
          --seed S          random seed; the same seed gives the same file (default 1)
          --conditions C    condition levels: 2 (pen-first, map-first), 3 (also self-prime) or 4 (also delayed,
                            which makes the 2 x 4 tables too large for an exact Fisher sum); default 3
        """;

    private static readonly string[] Levels = ["pen-first", "map-first", "self-prime", "delayed"];

    public static int Run(Arguments options)
    {
        var path = options.Value("--out");
        var participants = options.Int("--participants", 100_000);
        var seed = options.Int("--seed", 1);
        var conditions = options.Int("--conditions", 3);
        if (path is null || participants is < 1 or > 5_000_000 || conditions < 2 || conditions > Levels.Length)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var started = System.Diagnostics.Stopwatch.StartNew();
        OutcomeCsv.Write(full, Rows(participants, seed, conditions));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {full}: {participants:N0} participants, {2L * participants:N0} rows, {conditions} conditions, seed {seed}, {new FileInfo(full).Length / 1048576.0:F1} MiB in {started.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    /// <summary>Rows are produced lazily so that memory does not grow with the number of participants.</summary>
    public static IEnumerable<OutcomeRow> Rows(int participants, int seed, int conditions)
    {
        var random = new Random(seed);
        var pseudonyms = new HashSet<string>(StringComparer.Ordinal);
        var block = Levels[..conditions];
        for (var i = 0; i < participants; i++)
        {
            string id;
            do id = Pseudonym(random); while (!pseudonyms.Add(id));
            // Permuted blocks of one participant per level: balanced, as the server assigns conditions.
            if (i % conditions == 0) random.Shuffle(block);
            var condition = block[i % conditions];
            var penFirst = condition switch { "pen-first" => true, "map-first" => false, _ => random.Next(2) == 0 };
            var (device, pointer) = random.NextDouble() switch
            {
                < 0.55 => ("desktop", random.NextDouble() < 0.97 ? "mouse" : "keyboard"),
                < 0.90 => ("phone", "touch"),
                _ => ("tablet", random.NextDouble() < 0.4 ? "pen" : "touch"),
            };
            var language = random.NextDouble() < 0.6 ? "de" : "en";
            var completed = random.NextDouble() >= 0.06;
            foreach (var task in new[] { "pen", "map" })
            {
                var order = (task == "pen") == penFirst ? 1 : 2;
                yield return Row(random, id, task, condition, order, device, pointer, language, completed);
            }
        }
    }

    private static OutcomeRow Row(Random random, string id, string task, string condition, int order,
        string device, string pointer, string language, bool completed)
    {
        var missing = random.NextDouble() switch
        {
            < 0.025 => "no action",
            < 0.040 => "not coded",
            < 0.048 => "declined",
            _ => null,
        };
        // Pen: a true condition effect (a self-prime raises it, doing it second lowers it a little);
        // map: none, so its condition tests should come out unremarkable.
        var p = task == "pen"
            ? condition switch { "self-prime" => 0.945, "map-first" => 0.925, _ => 0.93 }
            : 0.875;
        bool? self = missing is null ? random.NextDouble() < p : null;
        double? latency = missing is "no action" or "declined"
            ? null
            : Math.Round(Math.Exp(Math.Log(task == "pen" ? 2400 : 3800) + (self == true ? -0.1 : 0) + 0.6 * Normal(random)), 1);
        double? distance = null;
        if (task == "map" && self is not null)
            distance = self.Value
                ? (random.NextDouble() < 0.08 ? 0 : Math.Round(-6 * Math.Log(1 - random.NextDouble()), 3))
                : Math.Round(Math.Min(20_000, Math.Exp(Math.Log(350) + 1.4 * Normal(random))), 3);
        var detail = self switch
        {
            true when task == "pen" => random.NextDouble() < 0.8 ? "first name (exact)" : FormattableString.Invariant($"first name (fuzzy {0.85 + 0.14 * random.NextDouble():0.00})"),
            true => "home town (within radius)",
            false when task == "pen" => "other word",
            false => "other place",
            null => null,
        };
        return new OutcomeRow(id, "gallup-replication", task, condition, order, device, pointer, language,
            latency, self, missing, detail, completed).With(("distance_km", distance));
    }

    private static string Pseudonym(Random random)
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        Span<char> chars = stackalloc char[10];
        for (var i = 0; i < chars.Length; i++) chars[i] = alphabet[random.Next(alphabet.Length)];
        return new string(chars);
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
