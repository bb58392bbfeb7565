using SelfRef.Stats.Outcomes;

namespace SelfRef.Stats.Tests;

/// <summary>A small, fixed outcome table with the awkward parts of real data: missing values, ties, 3 conditions.</summary>
internal static class SyntheticOutcomes
{
    public static IReadOnlyList<OutcomeRow> Create(int participants = 80, int seed = 7)
    {
        var random = new Random(seed);
        string[] conditions = ["neutral", "explicit", "delayed"];
        var rows = new List<OutcomeRow>();
        for (var i = 0; i < participants; i++)
        {
            var id = $"p{i:000}";
            var condition = conditions[i % conditions.Length];
            var penFirst = i % 2 == 0;
            var completed = random.NextDouble() > 0.1;
            foreach (var task in new[] { "pen", "map" })
            {
                var missing = random.NextDouble() switch { < 0.04 => "no action", < 0.08 => "not coded", _ => null };
                var p = task == "pen" ? (condition == "explicit" ? 0.97 : 0.88) : 0.8;
                bool? self = missing is null ? random.NextDouble() < p : null;
                // Rounded to 50 ms so that latencies tie, as they do with coarse browser clocks.
                double? latency = missing == "no action" ? null : Math.Round(Math.Exp(7 + 0.6 * Normal(random)) / 50) * 50;
                double? distance = task == "map" && missing is null
                    ? (self == true ? random.NextDouble() * 20 : Math.Exp(3 + 2 * Normal(random)))
                    : null;
                if (task == "map" && i % 17 == 0 && distance is not null) distance = 0;
                rows.Add(new OutcomeRow(id, "gallup-replication", task, condition,
                    (task == "pen") == penFirst ? 1 : 2, i % 3 == 0 ? "phone" : "desktop", i % 3 == 0 ? "touch" : "mouse",
                    i % 4 == 0 ? "en" : "de", latency, self, missing, self == true ? "first name (exact)" : null, completed).With(("distance_km", distance)));
            }
        }
        return rows;
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
