namespace SelfRef.Stats.Figures;

/// <summary>
/// Cuts outlines where they cross the antimeridian (±180° longitude). A ring of Russia, Fiji or
/// Antarctica steps from 179.9° to −179.9° between two neighbouring points; drawn as one line in an
/// equirectangular projection, that step becomes a line straight across the whole world.
/// </summary>
public static class Antimeridian
{
    /// <summary>
    /// The ring as pieces that never step across the antimeridian: where two neighbours are more than
    /// 180° of longitude apart, the line between them is taken the short way round, its latitude at
    /// ±180° interpolated, and the piece ends on one edge of the map and the next begins on the other.
    /// A ring that does not cross comes back as one piece.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<LonLat>> Split(IReadOnlyList<LonLat> ring)
    {
        var pieces = new List<IReadOnlyList<LonLat>>();
        if (ring.Count == 0) return pieces;
        var piece = new List<LonLat> { ring[0] };
        for (var i = 1; i < ring.Count; i++)
        {
            var (a, b) = (ring[i - 1], ring[i]);
            var step = b.Lon - a.Lon;
            if (Math.Abs(step) > 180)
            {
                // Going east across +180 (step < −180) or west across −180 (step > 180).
                var edge = step < 0 ? 180.0 : -180.0;
                var unwrapped = b.Lon + (step < 0 ? 360 : -360);
                var t = (edge - a.Lon) / (unwrapped - a.Lon);
                var lat = a.Lat + t * (b.Lat - a.Lat);
                piece.Add(new LonLat(edge, lat));
                pieces.Add(piece);
                piece = [new LonLat(-edge, lat)];
            }
            piece.Add(b);
        }
        pieces.Add(piece);
        return pieces;
    }
}
