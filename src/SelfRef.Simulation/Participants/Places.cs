using SelfRef.Core.Gazetteer;
using SelfRef.Core.Tasks;
using SelfRef.Core.Tasks.Map;

namespace SelfRef.Simulation.Participants;

/// <summary>A Bogus locale, the country its participants' home towns lie in, and the page language they read.</summary>
public sealed record LocaleInfo(string Locale, string Country, string Language, string AcceptLanguage, double Share, double South, double West, double North, double East);

/// <summary>
/// Home towns and other places from the gazetteer: the largest places of each locale's country
/// (up to <see cref="TownsPerCountry"/>), and the world's largest places as targets that are
/// not home.
/// </summary>
public sealed class Places : ISimulatedPlaces
{
    public const int TownsPerCountry = 400;

    /// <summary>German- and English-speaking locales with their share within their language and their country's bounding box.</summary>
    public static readonly IReadOnlyList<LocaleInfo> Locales =
    [
        new("de", "DE", "de", "de-DE,de;q=0.9,en;q=0.7", 0.8, 47.2, 5.8, 55.1, 15.1),
        new("de_AT", "AT", "de", "de-AT,de;q=0.9,en;q=0.6", 0.1, 46.3, 9.5, 49.1, 17.2),
        new("de_CH", "CH", "de", "de-CH,de;q=0.9,fr;q=0.5,en;q=0.4", 0.1, 45.8, 5.9, 47.9, 10.5),
        new("en_US", "US", "en", "en-US,en;q=0.9", 0.5, 24.5, -125, 49.5, -66.9),
        new("en_GB", "GB", "en", "en-GB,en;q=0.9", 0.35, 49.9, -8.7, 60.9, 1.8),
        new("en_IE", "IE", "en", "en-IE,en;q=0.9", 0.05, 51.4, -10.7, 55.4, -5.9),
        new("en_AU", "AU", "en", "en-AU,en;q=0.9", 0.1, -43.7, 113, -10.6, 153.7),
    ];

    private readonly Dictionary<string, IReadOnlyList<Place>> _towns;
    private readonly IReadOnlyList<Place> _world;

    public Places(Gazetteer gazetteer)
    {
        Gazetteer = gazetteer;
        _towns = Locales.ToDictionary(l => l.Country, l => (IReadOnlyList<Place>)gazetteer
            .LargestIn(l.South, l.West, l.North, l.East, 500)
            .Where(p => p.Country == l.Country)
            .Take(TownsPerCountry)
            .OrderBy(p => p.Id)
            .ToList());
        foreach (var (country, towns) in _towns)
            if (towns.Count < 20) throw new InvalidDataException($"the gazetteer holds only {towns.Count} places of {country}; is it the full GeoNames cities500 file?");
        _world = gazetteer.LargestIn(-90, -180, 90, 180, 300).OrderBy(p => p.Id).ToList();
    }

    public Gazetteer Gazetteer { get; }

    public IReadOnlyList<Place> TownsOf(string country) => _towns[country];

    /// <summary>A home town of the country, drawn uniformly among its largest places.</summary>
    public Place HomeTown(string country, Random random) => _towns[country][random.Next(_towns[country].Count)];

    /// <summary>How the place question shows a picked place ("München, Germany"), which the answer keeps after the id.</summary>
    public static string Shown(Place place) => $"{place.Name}, {TargetResolution.CountryName(place.Country)}";

    string ISimulatedPlaces.Shown(Place place) => Shown(place);

    /// <summary>
    /// A place well away from home (farther than <paramref name="minKm"/>): a large town of the
    /// home country or one of the world's largest cities.
    /// </summary>
    public Place Elsewhere(Place home, double minKm, Random random)
    {
        var pool = random.NextDouble() < 0.5 && _towns.TryGetValue(home.Country, out var national) ? national : _world;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var place = pool[random.Next(pool.Count)];
            if (GreatCircle.DistanceKm(home.Lat, home.Lon, place.Lat, place.Lon) > minKm) return place;
        }
        return _world.First(p => GreatCircle.DistanceKm(home.Lat, home.Lon, p.Lat, p.Lon) > minKm);
    }
}
