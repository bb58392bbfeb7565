namespace SelfRef.Core.Gazetteer;

/// <summary>One name of a place that matched a query, and how well.</summary>
internal readonly record struct Candidate(int Place, int Entry, MatchQuality Quality, int Edits, bool Main);

/// <summary>
/// The best <c>limit</c> places among candidates offered one at a time, each place once with its
/// best candidate: memory for <c>limit</c> places whatever the number offered. A place's rank is
/// that of its best candidate (the ranking must order a place's better matches first), so a place
/// pushed out can only come back with a better candidate than the last one kept.
/// </summary>
internal sealed class TopPlaces(int limit, Comparison<Candidate> rank)
{
    // Ascending by rank; at most `limit` long, so a linear walk is cheaper than any index.
    private readonly List<Candidate> _kept = new(limit);

    public int Count => _kept.Count;

    public void Offer(Candidate candidate)
    {
        // Most candidates of a short query rank behind the last one kept: one comparison each.
        if (_kept.Count == limit && rank(candidate, _kept[^1]) >= 0) return;
        var same = -1;
        for (var i = 0; i < _kept.Count && same < 0; i++) if (_kept[i].Place == candidate.Place) same = i;
        if (same >= 0)
        {
            if (rank(candidate, _kept[same]) >= 0) return;
            _kept.RemoveAt(same);
        }
        var at = _kept.Count;
        while (at > 0 && rank(candidate, _kept[at - 1]) < 0) at--;
        _kept.Insert(at, candidate);
        if (_kept.Count > limit) _kept.RemoveAt(limit);
    }

    public IReadOnlyList<Candidate> InOrder() => _kept;
}
