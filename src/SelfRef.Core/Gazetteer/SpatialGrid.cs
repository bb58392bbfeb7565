namespace SelfRef.Core.Gazetteer;

/// <summary>
/// Places bucketed into one-degree cells (compressed rows: a start offset per cell and one array
/// of place numbers), for nearest-place and in-view queries without touching the whole world.
/// Within a cell, places keep the order they are given in (largest first, for in-view labels).
/// </summary>
internal sealed class SpatialGrid
{
    private const int Columns = 360, Rows = 180;
    private readonly int[] _cellStart;
    private readonly int[] _places;

    public SpatialGrid(float[] lat, float[] lon, int[] order)
    {
        var counts = new int[Columns * Rows + 1];
        var cells = new int[lat.Length];
        for (var i = 0; i < lat.Length; i++) counts[(cells[i] = Cell(lat[i], lon[i])) + 1]++;
        for (var c = 1; c < counts.Length; c++) counts[c] += counts[c - 1];
        _cellStart = (int[])counts.Clone();
        _places = new int[lat.Length];
        // counts[c] is now the first slot of cell c; it advances as the cell fills.
        var next = counts;
        foreach (var i in order) _places[next[cells[i]]++] = i;
    }

    public static int Row(double lat) => Math.Clamp((int)Math.Floor(lat + 90), 0, Rows - 1);

    public static int Column(double lon) => ((int)Math.Floor(lon + 180) % Columns + Columns) % Columns;

    private static int Cell(double lat, double lon) => Row(lat) * Columns + Column(lon);

    public ReadOnlySpan<int> PlacesIn(int row, int column)
    {
        var (start, end) = Slots(row, column);
        return _places.AsSpan(start, end - start);
    }

    /// <summary>Where a cell's places lie in <see cref="PlaceIn"/>'s numbering.</summary>
    public (int Start, int End) Slots(int row, int column)
    {
        var cell = row * Columns + ((column % Columns) + Columns) % Columns;
        return (_cellStart[cell], _cellStart[cell + 1]);
    }

    public int PlaceIn(int slot) => _places[slot];

    /// <summary>
    /// Calls <paramref name="visit"/> with the cells of ring <paramref name="ring"/> around the
    /// point's cell (ring 0 is the cell itself), each cell once even where the ring wraps the world.
    /// </summary>
    public void Ring(double lat, double lon, int ring, Action<int> visit)
    {
        int row0 = Row(lat), column0 = Column(lon);
        var seen = new HashSet<int>();
        for (var row = row0 - ring; row <= row0 + ring; row++)
        {
            if (row < 0 || row >= Rows) continue;
            var edge = row == row0 - ring || row == row0 + ring;
            for (var dc = -ring; dc <= ring; dc += edge || ring == 0 ? 1 : 2 * ring)
            {
                var column = ((column0 + dc) % Columns + Columns) % Columns;
                if (!seen.Add(row * Columns + column)) continue;
                foreach (var place in PlacesIn(row, column)) visit(place);
            }
        }
    }

    public const int MaxRing = Columns / 2;
}
