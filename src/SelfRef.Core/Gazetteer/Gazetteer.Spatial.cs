namespace SelfRef.Core.Gazetteer;

public sealed partial class Gazetteer
{
    /// <summary>
    /// The <paramref name="count"/> places nearest to a point with at least
    /// <paramref name="minPopulation"/> inhabitants, nearest first. Parts of a city (GeoNames
    /// PPLX: "Mitte", "Altstadt Nord") are left out unless asked for, so that a point in Berlin
    /// finds Berlin.
    /// </summary>
    public IReadOnlyList<NearbyPlace> Nearest(double lat, double lon, int count = 1, int minPopulation = 0, bool includeSections = false)
    {
        count = Math.Clamp(count, 1, MaxResults);
        var found = new List<(int Place, double Km)>();
        for (var ring = 0; ring <= SpatialGrid.MaxRing; ring++)
        {
            _grid.Ring(lat, lon, ring, place =>
            {
                if (_population[place] >= minPopulation && (includeSections || !IsSection(place)))
                    found.Add((place, GreatCircle.DistanceKm(lat, lon, _lat[place], _lon[place])));
            });
            if (found.Count < count) continue;
            // Places at the same distance (the same coordinates): the larger first, whatever order the grid holds them in.
            found.Sort((a, b) => a.Km != b.Km ? a.Km.CompareTo(b.Km) : _rank[a.Place].CompareTo(_rank[b.Place]));
            if (found.Count > count) found.RemoveRange(count, found.Count - count);
            // Nothing beyond this ring can be nearer than its inner edge: `ring` whole degrees of
            // latitude, or of longitude where they are shortest (nearest the pole the band reaches).
            var poleward = Math.Min(90, Math.Abs(lat) + ring + 1);
            var bound = ring * GreatCircle.KmPerDegree * Math.Min(1, Math.Cos(poleward * Math.PI / 180));
            if (found[^1].Km <= bound) break;
        }
        return found.Select(f => new NearbyPlace(PlaceAt(f.Place), f.Km)).ToList();
    }

    /// <summary>
    /// The largest places inside a view (south, west, north, east in degrees; west greater than
    /// east crosses the date line), at most <paramref name="limit"/>, leaving out any place whose
    /// label would overlap a larger one's: labels are about <paramref name="spacingLon"/> degrees
    /// of longitude wide and <paramref name="spacingLat"/> degrees of latitude high. Places below
    /// <paramref name="minPopulation"/> are left out, so that empty seas stay empty at low zoom.
    /// </summary>
    public IReadOnlyList<Place> LargestIn(double south, double west, double north, double east, int limit, double spacingLon = 0, double spacingLat = 0, bool includeSections = false, int minPopulation = 0)
    {
        limit = Math.Clamp(limit, 0, 500);
        if (limit == 0 || north < south) return [];
        south = Math.Max(south, -90); north = Math.Min(north, 90);
        var wholeWorld = east - west >= 360;
        bool Inside(int p)
        {
            if (!includeSections && IsSection(p)) return false;
            if (_population[p] < minPopulation) return false;
            if (_lat[p] < south || _lat[p] > north) return false;
            if (wholeWorld) return true;
            var w = Normalize(west); var e = Normalize(east);
            return w <= e ? _lon[p] >= w && _lon[p] <= e : _lon[p] >= w || _lon[p] <= e;
        }

        IEnumerable<int> candidates;
        var rows = SpatialGrid.Row(north) - SpatialGrid.Row(south) + 1;
        var columns = wholeWorld ? 360 : (int)Math.Ceiling(Math.Abs(east - west)) + 1;
        if ((long)rows * columns > 2_000)
        {
            // A large view: walking all places from the largest down finds its few labels first.
            candidates = _byPopulation.TakeWhile(p => _population[p] >= minPopulation).Where(Inside);
        }
        else
        {
            candidates = LargestFirst(SpatialGrid.Row(south), SpatialGrid.Row(north), SpatialGrid.Column(west), columns, minPopulation).Where(Inside);
        }

        var chosen = new List<int>();
        foreach (var p in candidates)
        {
            if (chosen.Count >= limit) break;
            var overlaps = false;
            foreach (var q in chosen)
            {
                var dLon = Math.Abs(_lon[p] - _lon[q]);
                if (dLon > 180) dLon = 360 - dLon;
                if (dLon < spacingLon && Math.Abs(_lat[p] - _lat[q]) < spacingLat) { overlaps = true; break; }
            }
            if (!overlaps) chosen.Add(p);
        }
        return chosen.Select(PlaceAt).ToList();
    }

    /// <summary>
    /// The places of a block of cells, largest first, read as needed: each cell lists its places
    /// largest first, so merging the cells costs memory for the cells, not for every place in
    /// view (a view of Europe holds tens of thousands; they were all listed and sorted per request).
    /// Stops at the first place below <paramref name="minPopulation"/>: all after it are smaller.
    /// </summary>
    private IEnumerable<int> LargestFirst(int fromRow, int toRow, int startColumn, int columns, int minPopulation)
    {
        var cells = new PriorityQueue<(int Next, int End), int>();
        for (var row = fromRow; row <= toRow; row++)
            for (var c = 0; c < columns; c++)
            {
                var (start, end) = _grid.Slots(row, startColumn + c);
                if (start < end) cells.Enqueue((start, end), _rank[_grid.PlaceIn(start)]);
            }
        while (cells.TryDequeue(out var cell, out _))
        {
            var place = _grid.PlaceIn(cell.Next);
            if (_population[place] < minPopulation) yield break;
            if (cell.Next + 1 < cell.End) cells.Enqueue((cell.Next + 1, cell.End), _rank[_grid.PlaceIn(cell.Next + 1)]);
            yield return place;
        }
    }

    private bool IsSection(int place) => ReferenceEquals(_feature[place], SectionCode) || _feature[place] == SectionCode;

    private const string SectionCode = "PPLX";

    private static double Normalize(double lon) => ((lon + 180) % 360 + 360) % 360 - 180;
}
