using System.Text;

namespace SelfRef.Core.Gazetteer;

public sealed partial class Gazetteer
{
    public const int MaxResults = 50;

    /// <summary>
    /// Places whose name (main or alternate) equals the query, starts with it, or is within one
    /// or two typing errors of it (fuzzy only when too few names match and the query has four or
    /// more letters). Exact before prefix before fuzzy; within each, larger places first. Parts
    /// of a city (GeoNames PPLX, e.g. "Köln-Deutz") come after whole towns.
    /// </summary>
    public IReadOnlyList<PlaceMatch> Search(string query, int limit = 10)
    {
        limit = Math.Clamp(limit, 0, MaxResults);
        var key = Encoding.UTF8.GetBytes(PlaceNames.Key(query ?? ""));
        if (key.Length == 0 || limit == 0) return [];

        // Only the best `limit` places are kept while the names are walked: a query of one or two
        // letters matches tens of thousands of names, and ranking them all (as this did) allocated
        // megabytes per keystroke, most of it on the large object heap.
        var best = new TopPlaces(limit, Rank);
        void Offer(int entry, MatchQuality quality, int edits)
        {
            var place = _names.Place(entry);
            best.Offer(new Candidate(place, entry, quality, edits, _names.TextIs(entry, _name[place])));
        }

        var (start, end) = _names.PrefixRange(key);
        for (var e = start; e < end; e++)
            Offer(e, _names.Key(e).Length == key.Length ? MatchQuality.Exact : MatchQuality.Prefix, 0);

        if (best.Count < limit && key.Length >= 4)
        {
            var allowed = key.Length >= 7 ? 2 : 1;
            // A typing error in the first letter is rare; keeping it fixed keeps the scan short.
            var (from, to) = _names.PrefixRange(key.AsSpan(0, 1));
            var column = new int[key.Length + 1];
            var previous = new int[key.Length + 1];
            for (var e = from; e < to; e++)
            {
                if (e >= start && e < end) continue;
                var edits = PrefixEditDistance(key, _names.Key(e), allowed, column, previous);
                if (edits <= allowed) Offer(e, MatchQuality.Fuzzy, edits);
            }
        }

        return best.InOrder().Select(b => new PlaceMatch(PlaceAt(b.Place), _names.Text(b.Entry), b.Quality, b.Edits)).ToList();
    }

    /// <summary>
    /// The order of suggestions: exact before prefix before fuzzy, whole towns before parts of a
    /// city, fewer typing errors first, then larger places. A place whose own name starts with the
    /// query weighs ten times its size against one matched by an alternate name: "Mün" is more
    /// likely Munich or Münster than a city once called "Muntividèu", yet "Münch" still finds Munich
    /// (alternate "München") before a village. Among the names of one place, its best match (a main
    /// name before an alternate) is the one shown.
    /// </summary>
    private int Rank(Candidate a, Candidate b)
    {
        var order = ((int)a.Quality).CompareTo((int)b.Quality); // an enum's own CompareTo boxes both sides
        if (order == 0) order = IsSection(a.Place).CompareTo(IsSection(b.Place));
        if (order == 0) order = a.Edits.CompareTo(b.Edits);
        if (order == 0) order = Weight(b).CompareTo(Weight(a));
        if (order == 0) order = _id[a.Place].CompareTo(_id[b.Place]);
        if (order == 0) order = b.Main.CompareTo(a.Main);
        return order;
    }

    private double Weight(Candidate c) => c.Main || c.Quality != MatchQuality.Prefix ? _population[c.Place] : _population[c.Place] / 10.0;

    /// <summary>
    /// The fewest single-letter edits that turn <paramref name="query"/> into the start of
    /// <paramref name="name"/> (so a query typed halfway still matches); stops early once every
    /// path exceeds <paramref name="allowed"/>.
    /// </summary>
    internal static int PrefixEditDistance(ReadOnlySpan<byte> query, ReadOnlySpan<byte> name, int allowed, int[] column, int[] previous)
    {
        var m = query.Length;
        for (var i = 0; i <= m; i++) previous[i] = i;
        var best = previous[m];
        var limit = Math.Min(name.Length, m + allowed);
        for (var j = 1; j <= limit; j++)
        {
            column[0] = j;
            var smallest = column[0];
            for (var i = 1; i <= m; i++)
            {
                var substitution = previous[i - 1] + (query[i - 1] == name[j - 1] ? 0 : 1);
                column[i] = Math.Min(substitution, Math.Min(previous[i] + 1, column[i - 1] + 1));
                smallest = Math.Min(smallest, column[i]);
            }
            best = Math.Min(best, column[m]);
            if (smallest > allowed) break;
            (previous, column) = (column, previous);
        }
        return best;
    }
}
