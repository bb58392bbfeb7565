using System.Globalization;
using SelfRef.Core.Gazetteer;

namespace SelfRef.Web.Participant;

/// <summary>
/// The gazetteer for the map task and the home town question: suggestions while typing and the
/// place names shown on the map. Public data, no session needed; answers are small and bounded.
/// </summary>
public static class PlacesEndpoints
{
    public const int MaxLabels = 250;
    private const int LabelWidthPx = 110, LabelHeightPx = 26;

    public sealed record PlaceView(int Id, string Name, double Lat, double Lng, string Country, string Admin1, int Population);

    public sealed record SuggestionView(int Id, string Name, string Matched, string Quality, double Lat, double Lng, string Country, string Admin1, int Population);

    /// <summary>The gazetteer as a singleton, from SelfRef:Gazetteer or data/places.tsv; loaded once per process.</summary>
    public static IServiceCollection AddGazetteer(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSingleton(_ => GazetteerFile.Shared(GazetteerFile.Locate(configuration["SelfRef:Gazetteer"])));

    public static void MapPlaces(this WebApplication app)
    {
        // Loaded in the background once the server listens, so the first map is not kept waiting.
        app.Lifetime.ApplicationStarted.Register(() => Task.Run(() =>
        {
            try { app.Services.GetRequiredService<Gazetteer>(); }
            catch (FileNotFoundException e) { app.Logger.LogError("{Problem}", e.Message); }
        }));

        var places = app.MapGroup("/api/places").DisableAntiforgery();
        places.MapGet("", Labels);
        places.MapGet("/search", Search);
        places.MapGet("/{id:int}", (int id, Gazetteer gazetteer) =>
            gazetteer.Find(id) is { } place ? Results.Json(View(place), SessionView.Json) : Results.NotFound());
    }

    /// <summary>
    /// The largest places in a view (bbox = west,south,east,north in degrees), none whose label
    /// would overlap a larger one's at this zoom, at most <paramref name="limit"/>.
    /// </summary>
    private static IResult Labels(string? bbox, double? zoom, int? limit, Gazetteer gazetteer, HttpContext http)
    {
        var parts = (bbox ?? "").Split(',');
        var numbers = parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : (double?)null).ToList();
        if (numbers.Count != 4 || numbers.Any(n => n is null) || zoom is not { } z || !double.IsFinite(z) || z < 0 || z > 24)
            return Results.BadRequest(new { error = "expected bbox=west,south,east,north and zoom=0..24" });
        var (west, south, east, north) = (numbers[0]!.Value, numbers[1]!.Value, numbers[2]!.Value, numbers[3]!.Value);
        // Web Mercator: a pixel spans the same longitude everywhere and cos(latitude) as much latitude.
        var degreesPerPixel = 360 / (256 * Math.Pow(2, z));
        var middle = Math.Clamp((south + north) / 2, -85, 85) * Math.PI / 180;
        var found = gazetteer.LargestIn(south, west, north, east, Math.Clamp(limit ?? 60, 1, MaxLabels),
            LabelWidthPx * degreesPerPixel, LabelHeightPx * degreesPerPixel * Math.Cos(middle), includeSections: z >= 12,
            minPopulation: MinPopulation(z));
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Json(found.Select(View), SessionView.Json);
    }

    /// <summary>
    /// The smallest place worth a label at a zoom: about 300,000 inhabitants for the whole world
    /// (zoom 2), 3,000 for a country (zoom 6), any village from zoom 10.
    /// </summary>
    public static int MinPopulation(double zoom) => zoom >= 10 ? 0 : (int)Math.Pow(10, 6.5 - zoom / 2);

    private static IResult Search(string? q, int? limit, Gazetteer gazetteer)
    {
        if (string.IsNullOrWhiteSpace(q) || q.Length > 100) return Results.Json(Array.Empty<SuggestionView>(), SessionView.Json);
        var matches = gazetteer.Search(q, Math.Clamp(limit ?? 8, 1, 20));
        return Results.Json(matches.Select(m => new SuggestionView(
            m.Place.Id, m.Place.Name, m.Matched, m.Quality.ToString().ToLowerInvariant(),
            m.Place.Lat, m.Place.Lon, m.Place.Country, m.Place.Admin1, m.Place.Population)), SessionView.Json);
    }

    private static PlaceView View(Place p) => new(p.Id, p.Name, p.Lat, p.Lon, p.Country, p.Admin1, p.Population);
}
