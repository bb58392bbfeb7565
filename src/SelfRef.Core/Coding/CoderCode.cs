namespace SelfRef.Core.Coding;

/// <summary>What a human coder saw in a participant's first handwritten word.</summary>
public enum CodeValue { OwnName, Other, Unreadable }

/// <summary>One coder's code for one participant's task step; a coder may change it, so it is keyed by session, step and coder.</summary>
public sealed record CoderCode
{
    public string Id { get; init; } = "";
    public string ExperimentId { get; init; } = "";
    public string SessionId { get; init; } = "";
    public string StepId { get; init; } = "";
    public string Coder { get; init; } = "";
    public CodeValue Value { get; init; }
    public DateTime At { get; init; }

    public static string Key(string sessionId, string stepId, string coder) => $"{sessionId}/{stepId}/{coder}";
}

/// <summary>How several coders' codes of one answer become the code the statistics use.</summary>
public static class CodeConsensus
{
    /// <summary>Missing reasons of a coded answer without an agreed code (see <see cref="Of"/>), and of one coded unreadable.</summary>
    public const string NotCoded = "not coded", Disagree = "coders disagree", Unreadable = "unreadable";

    private const string DetailPrefix = "coded by ";

    /// <summary>How a coded answer was decided, for the outcome's match detail: "coded by 2: OwnName, OwnName" (coders by name); null when nobody coded it.</summary>
    public static string? Detail(IReadOnlyCollection<CoderCode> codes) =>
        codes.Count == 0 ? null : $"{DetailPrefix}{codes.Count}: {string.Join(", ", codes.OrderBy(c => c.Coder).Select(c => c.Value))}";

    /// <summary>How many coders coded the answer, read back from a match detail written by <see cref="Detail"/>; null for any other detail.</summary>
    public static int? CodersIn(string? matchDetail)
    {
        if (matchDetail is null || !matchDetail.StartsWith(DetailPrefix, StringComparison.Ordinal)) return null;
        var colon = matchDetail.IndexOf(':', DetailPrefix.Length);
        return colon > 0 && int.TryParse(matchDetail.AsSpan(DetailPrefix.Length, colon - DetailPrefix.Length), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var coders) && coders > 0 ? coders : null;
    }

    /// <summary>The agreed code, or why there is none ("not coded", "coders disagree").</summary>
    public static (CodeValue? Value, string? Missing) Of(IEnumerable<CoderCode> codes)
    {
        var values = codes.Select(c => c.Value).ToList();
        if (values.Count == 0) return (null, NotCoded);
        var groups = values.GroupBy(v => v).OrderByDescending(g => g.Count()).ToList();
        // With two coders only agreement counts; with more, a strict majority decides.
        if (groups.Count == 1 || groups[0].Count() * 2 > values.Count) return (groups[0].Key, null);
        return (null, Disagree);
    }
}
