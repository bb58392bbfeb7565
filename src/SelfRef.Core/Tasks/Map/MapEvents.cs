using System.Text.Json;
using SelfRef.Core.Events;

namespace SelfRef.Core.Tasks.Map;

/// <summary>
/// The events wwwroot/tasks/map.js logs, by type, and their data read back from the store.
/// Coordinates are degrees (WGS 84), zoom is Leaflet's (Web Mercator) level, t is ms since the
/// step's onset.
/// </summary>
public static class MapEvents
{
    /// <summary>The viewport, once per animation frame while it moves and once when it settles: {lat, lng, zoom, bounds: [south, west, north, east], initial?}.</summary>
    public const string View = "map.view";
    /// <summary>A click or tap on the map (not a drag): {lat, lng, zoom, pointer}.</summary>
    public const string Click = "map.click";
    /// <summary>A pointer goes down on the map: {pointer} (mouse, touch, pen).</summary>
    public const string PointerDown = "map.pointerdown";
    /// <summary>The search box's text as typed: {q}.</summary>
    public const string SearchInput = "map.search.input";
    /// <summary>Suggestions shown for a query: {q, ids}.</summary>
    public const string SearchSuggestions = "map.search.suggestions";
    /// <summary>A suggestion chosen: {id, name, lat, lng, q, rank}.</summary>
    public const string SearchChoose = "map.search.choose";

    /// <param name="Bounds">[south, west, north, east] in degrees.</param>
    /// <param name="Initial">the view the step opened with.</param>
    public sealed record ViewData(double Lat, double Lng, double Zoom, IReadOnlyList<double>? Bounds, bool? Initial);

    /// <param name="Pointer">mouse, touch or pen.</param>
    public sealed record ClickData(double Lat, double Lng, double? Zoom, string? Pointer);

    public sealed record PointerData(string? Pointer);

    public sealed record InputData(string Q);

    /// <param name="Ids">gazetteer ids of the places suggested, in order.</param>
    public sealed record SuggestionsData(string Q, IReadOnlyList<long>? Ids);

    /// <param name="Matched">the spelling of the place's name the query matched, when it was another than <paramref name="Name"/>.</param>
    public sealed record ChooseData(long Id, string? Name, string? Matched, double Lat, double Lng, string? Q, int? Rank);

    private static readonly CoordinateField Lat = new("lat", CoordinateAxis.Latitude), Lng = new("lng", CoordinateAxis.Longitude);

    // What a participant searches for, looks at or clicks first is most often their home town: the
    // typed text, the place chosen and every coordinate of the view and of clicks identify.
    public static readonly IReadOnlyList<EventDeclaration> All =
    [
        EventDeclaration.Of<ViewData>(View, "The viewport, once per animation frame while it moves and once when it settles.")
            .WithCoordinates(Lat, Lng, new("bounds", CoordinateAxis.Bounds)),
        EventDeclaration.Of<ClickData>(Click, "A click or tap on the map (not a drag).").WithCoordinates(Lat, Lng),
        EventDeclaration.Of<PointerData>(PointerDown, "A pointer went down on the map."),
        EventDeclaration.Of<InputData>(SearchInput, "The search box's text as typed.", "q"),
        EventDeclaration.Of<SuggestionsData>(SearchSuggestions, "Suggestions shown for a query.", "q", "ids"),
        EventDeclaration.Of<ChooseData>(SearchChoose, "A suggestion was chosen.", "id", "name", "matched", "q").WithCoordinates(Lat, Lng),
    ];

    public sealed record ViewEvent(double T, double Lat, double Lng, double Zoom, double South, double West, double North, double East, bool Initial);

    public sealed record ClickEvent(double T, double Lat, double Lng, double Zoom);

    public sealed record ChooseEvent(double T, int Id, string Name, double Lat, double Lng);

    public static IEnumerable<ViewEvent> Views(IEnumerable<StoredEvent> events)
    {
        foreach (var e in events.Where(e => e.Type == View))
        {
            if (Data(e) is not { } d) continue;
            var bounds = d.TryGetProperty("bounds", out var b) && b.ValueKind == JsonValueKind.Array && b.GetArrayLength() == 4
                ? (b[0].GetDouble(), b[1].GetDouble(), b[2].GetDouble(), b[3].GetDouble())
                : (double.NaN, double.NaN, double.NaN, double.NaN);
            if (Number(d, "lat") is { } lat && Number(d, "lng") is { } lng && Number(d, "zoom") is { } zoom)
                yield return new ViewEvent(e.T, lat, lng, zoom, bounds.Item1, bounds.Item2, bounds.Item3, bounds.Item4,
                    d.TryGetProperty("initial", out var i) && i.ValueKind == JsonValueKind.True);
        }
    }

    public static IEnumerable<ClickEvent> Clicks(IEnumerable<StoredEvent> events)
    {
        foreach (var e in events.Where(e => e.Type == Click))
            if (Data(e) is { } d && Number(d, "lat") is { } lat && Number(d, "lng") is { } lng)
                yield return new ClickEvent(e.T, lat, lng, Number(d, "zoom") ?? double.NaN);
    }

    public static IEnumerable<ChooseEvent> Choices(IEnumerable<StoredEvent> events)
    {
        foreach (var e in events.Where(e => e.Type == SearchChoose))
            if (Data(e) is { } d && Number(d, "id") is { } id && Number(d, "lat") is { } lat && Number(d, "lng") is { } lng)
                yield return new ChooseEvent(e.T, (int)id, d.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "", lat, lng);
    }

    public static string? Pointer(IEnumerable<StoredEvent> events) =>
        events.Where(e => e.Type is PointerDown or Click).Select(Data).Select(d => d is { } x && x.TryGetProperty("pointer", out var p) ? p.GetString() : null)
            .FirstOrDefault(p => !string.IsNullOrEmpty(p));

    private static JsonElement? Data(StoredEvent e)
    {
        if (string.IsNullOrEmpty(e.DataJson)) return null;
        try
        {
            using var document = JsonDocument.Parse(e.DataJson);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static double? Number(JsonElement data, string name) =>
        data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d) ? d : null;
}
