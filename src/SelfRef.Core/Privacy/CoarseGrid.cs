using SelfRef.Core.Gazetteer;

namespace SelfRef.Core.Privacy;

/// <summary>
/// Coordinates rounded to the centre of a grid cell about <see cref="Km"/> km on each side: rows of
/// cells <see cref="Km"/> km high, each row cut into whole cells about <see cref="Km"/> km wide at
/// its middle latitude. A de-identified export may keep coordinates this way when the researcher
/// asks (a map of first targets), never finer than <see cref="MinimumKm"/> km, the home radius
/// within which a first target counts as the home town.
/// </summary>
public sealed record CoarseGrid
{
    public const double MinimumKm = 25;

    public double Km { get; }

    private CoarseGrid(double km) => Km = km;

    /// <summary>The grid, or an error naming the problem: finer than 25 km would point at a town.</summary>
    public static CoarseGrid Of(double km) =>
        !double.IsFinite(km) || km < MinimumKm
            ? throw new ArgumentOutOfRangeException(nameof(km), km,
                $"coarse coordinates must be rounded to a grid of at least {MinimumKm:0} km (given {km}); a finer grid points at a participant's home town")
            : new CoarseGrid(km);

    private double LatStep => Km / GreatCircle.KmPerDegree;

    public double Latitude(double lat)
    {
        var rows = (int)Math.Max(1, Math.Floor(180 / LatStep));
        var step = 180.0 / rows;
        var row = Math.Clamp((int)Math.Floor((lat + 90) / step), 0, rows - 1);
        return Round(-90 + (row + 0.5) * step);
    }

    /// <summary>The longitude of the cell centre, in the row of the (unrounded) latitude.</summary>
    public double Longitude(double lat, double lon)
    {
        var middle = Latitude(lat);
        var cells = (int)Math.Max(1, Math.Floor(360 * GreatCircle.KmPerDegree * Math.Cos(middle * Math.PI / 180) / Km));
        var step = 360.0 / cells;
        var cell = Math.Clamp((int)Math.Floor((lon + 180) / step), 0, cells - 1);
        return Round(-180 + (cell + 0.5) * step);
    }

    // Three decimals are plenty for a cell centre and do not pretend to more.
    private static double Round(double degrees) => Math.Round(degrees, 3);
}
