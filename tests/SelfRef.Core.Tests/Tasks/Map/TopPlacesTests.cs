using SelfRef.Core.Gazetteer;

namespace SelfRef.Core.Tests.Tasks.Map;

public sealed class TopPlacesTests
{
    // A ranking of the gazetteer's kind: quality, then fewer edits, then a weight, then the place,
    // then a main name before an alternate (so a place's better matches rank first).
    private static int Rank(Candidate a, Candidate b)
    {
        var order = a.Quality.CompareTo(b.Quality);
        if (order == 0) order = a.Edits.CompareTo(b.Edits);
        if (order == 0) order = (b.Place % 7).CompareTo(a.Place % 7);
        if (order == 0) order = a.Place.CompareTo(b.Place);
        if (order == 0) order = b.Main.CompareTo(a.Main);
        return order;
    }

    // What the search did before: every place's best candidate, all of them sorted, the first `limit` taken.
    private static List<Candidate> FullSort(IEnumerable<Candidate> offered, int limit)
    {
        var best = new Dictionary<int, Candidate>();
        foreach (var c in offered)
            if (!best.TryGetValue(c.Place, out var known) || Rank(c, known) < 0) best[c.Place] = c;
        var all = best.Values.ToList();
        all.Sort(Rank);
        return all.Take(limit).ToList();
    }

    [Theory]
    [InlineData(1, 5, 10)]
    [InlineData(8, 40, 200)]
    [InlineData(8, 3000, 2000)]
    [InlineData(50, 400, 5000)]
    [InlineData(20, 10, 30)]
    public void Keeps_the_same_places_in_the_same_order_as_ranking_every_candidate(int limit, int places, int offered)
    {
        var random = new Random(limit * 7919 + places);
        for (var run = 0; run < 50; run++)
        {
            var candidates = Enumerable.Range(0, offered).Select(i => new Candidate(
                Place: random.Next(places), Entry: i, Quality: (MatchQuality)random.Next(3), Edits: random.Next(3), Main: random.Next(4) == 0)).ToList();
            var top = new TopPlaces(limit, Rank);
            foreach (var c in candidates) top.Offer(c);
            var expected = FullSort(candidates, limit);
            Assert.Equal(expected, top.InOrder());
            Assert.Equal(expected.Count, top.Count);
        }
    }

    [Fact]
    public void A_place_pushed_out_comes_back_with_a_better_match()
    {
        var top = new TopPlaces(2, Rank);
        top.Offer(new Candidate(7, 0, MatchQuality.Fuzzy, 2, false));
        top.Offer(new Candidate(1, 1, MatchQuality.Prefix, 0, false));
        top.Offer(new Candidate(2, 2, MatchQuality.Prefix, 0, false));
        Assert.DoesNotContain(top.InOrder(), c => c.Place == 7);
        top.Offer(new Candidate(7, 3, MatchQuality.Exact, 0, false));
        Assert.Equal([7, 2], top.InOrder().Select(c => c.Place));
        Assert.Equal(3, top.InOrder()[0].Entry);
    }
}
