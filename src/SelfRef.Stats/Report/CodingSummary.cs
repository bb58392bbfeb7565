using System.Globalization;
using SelfRef.Stats.Estimators;

namespace SelfRef.Stats.Report;

/// <summary>How many answers this many coders coded (by the coders themselves; adjudications are not counted as a coder).</summary>
public sealed record CoderCount(int Coders, int Answers);

/// <summary>
/// How the hand-coded answers were coded and how they became final: the required number of
/// agreeing coders, answers per number of coders, agreed, adjudicated, waiting for adjudication,
/// waiting for more coders, not coded.
/// </summary>
public sealed record CodingSummary(
    int Required,
    IReadOnlyList<CoderCount> ByCoders,
    int Agreed,
    int Adjudicated,
    int AwaitingAdjudication,
    int AwaitingCoders,
    int NotCoded)
{
    public int Coded => ByCoders.Sum(c => c.Answers);
}

/// <summary>The report's section on coding (kept apart from the methods text, which other parts of the report write).</summary>
internal static class CodingSummaryBlocks
{
    public static IEnumerable<ReportBlock> Of(CodingSummary? s, CohensKappaResult? kappa)
    {
        if (s is null || s.Coded + s.NotCoded == 0) yield break;
        yield return new Heading(2, "Coding of handwritten answers");
        string N(int n) => n.ToString(CultureInfo.InvariantCulture);
        var byCoders = string.Join(", ", s.ByCoders.OrderByDescending(c => c.Coders).Select(c => $"{N(c.Answers)} by {N(c.Coders)} coder{(c.Coders == 1 ? "" : "s")}"));
        var text = $"Handwritten first words were coded blind: each coder saw only their own codes. A code is final once {N(s.Required)} coder{(s.Required == 1 ? "" : "s")} agree; " +
            $"disagreements are decided by an owner (adjudication, recorded with who and when). {N(s.Coded)} answer(s) were coded" +
            (byCoders.Length > 0 ? $" ({byCoders})" : "") + (s.NotCoded > 0 ? $"; {N(s.NotCoded)} answer(s) were not coded yet" : "") + ". " +
            (kappa is { } k ? $"Agreement of the first two coders: Cohen's κ = {Format.Num(k.Kappa, "0.000")} over {N(k.N)} double-coded answers (see \"Agreement between coders\"). " : "No answer was coded by two coders, so no κ is given. ") +
            $"{N(s.Agreed)} answer(s) became final by agreement, {N(s.Adjudicated)} by adjudication of a disagreement; " +
            $"{N(s.AwaitingAdjudication)} disagreement(s) await adjudication and {N(s.AwaitingCoders)} answer(s) await more coders. " +
            "Answers without a final code are counted as missing, not as self-referential or not.";
        yield return new Paragraph(text);
    }
}
