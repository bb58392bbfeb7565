namespace SelfRef.Core.Gazetteer;

/// <summary>
/// A populated place of the gazetteer (GeoNames, CC BY 4.0). <see cref="Id"/> is the GeoNames id,
/// stable across data releases; <see cref="Country"/> is the ISO 3166-1 alpha-2 code and
/// <see cref="Admin1"/> GeoNames' code of the first-order division (a German Land, a US state).
/// </summary>
public sealed record Place(
    int Id,
    string Name,
    double Lat,
    double Lon,
    string FeatureCode,
    string Country,
    string Admin1,
    int Population);

/// <summary>How well a name matched a search, best first.</summary>
public enum MatchQuality { Exact, Prefix, Fuzzy }

/// <summary>A search result: the place, the name of it that matched (maybe an alternate name) and how.</summary>
public sealed record PlaceMatch(Place Place, string Matched, MatchQuality Quality, int Edits);

/// <summary>A place with its great-circle distance from a point.</summary>
public sealed record NearbyPlace(Place Place, double DistanceKm);
