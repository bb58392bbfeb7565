namespace SelfRef.Core.Coding;

/// <summary>What a human coder saw in a participant's first handwritten word.</summary>
public enum CodeValue { OwnName, Other, Unreadable }

/// <summary>
/// One coder's code for one participant's task step; a coder may change it, so it is keyed by
/// session, step and coder. An owner's decision on a disagreement is kept the same way, marked
/// <see cref="Adjudication"/> (who: <see cref="Coder"/>, when: <see cref="At"/>).
/// </summary>
public sealed record CoderCode
{
    /// <summary>The name under which adjudications are filed, beside the coders' own codes (no user name has this form).</summary>
    public const string AdjudicationSlot = "#adjudication";

    public string Id { get; init; } = "";
    public string ExperimentId { get; init; } = "";
    public string SessionId { get; init; } = "";
    public string StepId { get; init; } = "";
    public string Coder { get; init; } = "";
    public CodeValue Value { get; init; }
    public DateTime At { get; init; }
    /// <summary>The coder's note on this answer (e.g. "second letter unclear").</summary>
    public string? Note { get; init; }
    /// <summary>An owner's decision on coders who disagree; it is final and counts as no coder's code.</summary>
    public bool Adjudication { get; init; }

    /// <summary>Where the code is filed: one per coder per answer, and one adjudication per answer.</summary>
    public string Slot => Adjudication ? AdjudicationSlot : Coder;

    public static string Key(string sessionId, string stepId, string coder) => $"{sessionId}/{stepId}/{coder}";
}

/// <summary>Codes in words, as coders, pages and reports show them.</summary>
public static class CodeLabels
{
    public static string Words(this CodeValue value) => value switch
    {
        CodeValue.OwnName => "own name",
        CodeValue.Other => "other word",
        _ => "unreadable",
    };
}

/// <summary>Where an answer's coding stands.</summary>
public enum CodingState { NotCoded, Waiting, Agreed, Disagree, Adjudicated }

/// <summary>An answer's final code (null until final), its state and why it is not final yet.</summary>
public sealed record Consensus(CodeValue? Value, CodingState State, string? Missing, int Coders, CoderCode? Adjudication)
{
    public bool Final => Value is not null;
}

/// <summary>How several coders' codes of one answer become the code the statistics use.</summary>
public static class CodeConsensus
{
    /// <summary>Missing reasons of a coded answer without a final code (see <see cref="Of"/>), and of one coded unreadable.</summary>
    public const string NotCoded = "not coded", Disagree = "coders disagree", Unreadable = "unreadable";

    private const string DetailPrefix = "coded by ";

    /// <summary>How many coders coded an answer and what, in words, for the outcome's match detail: "coded by 2: own name, other word" (coders by name, adjudications aside); null when no coder coded it.</summary>
    public static string? Detail(IEnumerable<CoderCode> codes)
    {
        var byCoders = codes.ByCoders().OrderBy(c => c.Coder, StringComparer.Ordinal).ToList();
        return byCoders.Count == 0 ? null : $"{DetailPrefix}{byCoders.Count}: {string.Join(", ", byCoders.Select(c => c.Value.Words()))}";
    }

    /// <summary>How many coders coded the answer, read back from a match detail written by <see cref="Detail"/>; null for any other detail.</summary>
    public static int? CodersIn(string? matchDetail)
    {
        if (matchDetail is null || !matchDetail.StartsWith(DetailPrefix, StringComparison.Ordinal)) return null;
        var colon = matchDetail.IndexOf(':', DetailPrefix.Length);
        return colon > 0 && int.TryParse(matchDetail.AsSpan(DetailPrefix.Length, colon - DetailPrefix.Length), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var coders) && coders > 0 ? coders : null;
    }

    /// <summary>
    /// The finalisation rule: an adjudication decides; otherwise the answer is final once
    /// <paramref name="required"/> coders gave the same code. With fewer coders it waits; when
    /// enough coders coded and no code has <paramref name="required"/> of them, it goes to adjudication.
    /// </summary>
    public static Consensus Of(IEnumerable<CoderCode> codes, int required)
    {
        if (required < 1) throw new ArgumentOutOfRangeException(nameof(required), required, "at least one coder is required");
        var all = codes.ToList();
        var adjudication = all.Where(c => c.Adjudication).MaxBy(c => c.At);
        var coders = all.Where(c => !c.Adjudication).ToList();
        if (adjudication is not null) return new Consensus(adjudication.Value, CodingState.Adjudicated, null, coders.Count, adjudication);
        if (coders.Count == 0) return new Consensus(null, CodingState.NotCoded, NotCoded, 0, null);
        var largest = coders.GroupBy(c => c.Value).OrderByDescending(g => g.Count()).First();
        if (largest.Count() >= required) return new Consensus(largest.Key, CodingState.Agreed, null, coders.Count, null);
        if (coders.Count < required)
            return new Consensus(null, CodingState.Waiting, $"coded by {coders.Count} of {required} coders", coders.Count, null);
        return new Consensus(null, CodingState.Disagree, Disagree, coders.Count, null);
    }

    /// <summary>The coders' own codes, without adjudications (agreement, κ and queues are about them).</summary>
    public static IEnumerable<CoderCode> ByCoders(this IEnumerable<CoderCode> codes) => codes.Where(c => !c.Adjudication);
}
