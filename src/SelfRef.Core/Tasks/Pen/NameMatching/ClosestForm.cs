namespace SelfRef.Core.Tasks.Pen.NameMatching;

/// <summary>
/// The best candidate so far. An accepted form beats any rejected one; among equals the form
/// offered first wins, which is why <see cref="NameMatcher"/> offers whole names before parts.
/// Strings are only made when a candidate takes the lead.
/// </summary>
internal struct ClosestForm
{
    private bool any;
    private bool accepted;
    private NamePart part;
    private double score;
    private string written;
    private string form;

    public ClosestForm()
    {
        written = "";
        form = "";
    }

    public void Offer(NamePart candidatePart, ReadOnlySpan<char> writtenAnswer, ReadOnlySpan<char> candidate, double candidateScore, bool candidateAccepted)
    {
        var better = !any
            || (candidateAccepted && !accepted)
            || (candidateAccepted == accepted && candidateScore > score);
        if (!better) return;

        any = true;
        accepted = candidateAccepted;
        part = candidatePart;
        score = candidateScore;
        if (!writtenAnswer.SequenceEqual(written)) written = writtenAnswer.ToString();
        form = candidate.ToString();
    }

    public readonly NameMatch ToMatch() =>
        any ? new NameMatch(accepted, accepted ? part : NamePart.None, score, written, form) : NameMatch.Nothing;
}
