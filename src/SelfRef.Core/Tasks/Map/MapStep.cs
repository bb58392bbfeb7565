using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SelfRef.Core.Experiments;

namespace SelfRef.Core.Tasks.Map;

/// <summary>Layers of the offline base map.</summary>
public enum MapLayer { Countries, States }

/// <summary>The map task: a map to explore freely; which place does the participant single out first?</summary>
public sealed record MapStep : Step, IStepRules
{
    [Description("Neutral instruction shown above the map, per language (e.g. 'take a look at the map').")]
    public required LocalizedText Instruction { get; init; }

    [Description("A zoom-in to this level or closer, held for dwellMs, singles out the place at its centre.")]
    [Range(1, 20)]
    public double TargetZoom { get; init; } = 10;

    [Description("How long (ms) a zoom-in must be held to count as singling out its centre.")]
    [Range(0, 60_000)]
    public int DwellMs { get; init; } = 800;

    [Description("A first target within this distance (km) of the home town counts as 'looked for home first'.")]
    [Range(0.1, 1_000)]
    public double HomeRadiusKm { get; init; } = 25;

    [Description("Id of the questionnaire question of type 'place' that later asks for the home town.")]
    public string HomeTownQuestion { get; init; } = "hometown";

    [Description("Latitude of the map's centre when it is first shown, in degrees.")]
    [Range(-85, 85)]
    public double StartLat { get; init; } = 30;

    [Description("Longitude of the map's centre when it is first shown, in degrees.")]
    [Range(-180, 180)]
    public double StartLon { get; init; } = 10;

    [Description("Zoom level when the map is first shown (0 is the whole world in one tile; 10 a town).")]
    [Range(0, 20)]
    public double StartZoom { get; init; } = 2;

    [Description("Farthest the participant can zoom out.")]
    [Range(0, 20)]
    public double MinZoom { get; init; } = 1;

    [Description("Closest the participant can zoom in.")]
    [Range(0, 20)]
    public double MaxZoom { get; init; } = 14;

    [Description("Layers of the offline base map: country outlines (Natural Earth), state borders where the data has them (US states).")]
    public List<MapLayer> Layers { get; init; } = [MapLayer.Countries, MapLayer.States];

    [Description("Show place names on the map (the largest places in view, from the gazetteer).")]
    public bool Labels { get; init; } = true;

    [Description("At most this many place names on the map at once.")]
    [Range(1, 250)]
    public int LabelCount { get; init; } = 60;

    [Description("Show the search box (with suggestions from the gazetteer).")]
    public bool Search { get; init; } = true;

    [Description("A tile server's URL template ({z}/{x}/{y}) to use instead of the offline base map, for deployments that have one. Participants' browsers then load tiles from it. Omitted: the offline base map shipped with SelfRef.")]
    public string? TileUrl { get; init; }

    [Description("Credit line for the tile server (required by most tile licences); shown on the map. Omitted: only without tileUrl.")]
    public string? TileAttribution { get; init; }

    [Description("The 'continue' button is enabled only after this many seconds.")]
    [Range(0, 600)]
    public int MinDurationSeconds { get; init; } = 0;

    public IEnumerable<(string Field, string Message)> Check(Experiment experiment)
    {
        if (MinZoom > MaxZoom) yield return ("minZoom", $"minZoom ({MinZoom}) is larger than maxZoom ({MaxZoom})");
        if (StartZoom < MinZoom || StartZoom > MaxZoom)
            yield return ("startZoom", $"startZoom ({StartZoom}) must lie between minZoom ({MinZoom}) and maxZoom ({MaxZoom})");
        if (TargetZoom > MaxZoom)
            yield return ("targetZoom", $"targetZoom ({TargetZoom}) cannot be reached: maxZoom is {MaxZoom}");
        if (TileUrl is { } url && !(url.Contains("{z}") && url.Contains("{x}") && url.Contains("{y}")))
            yield return ("tileUrl", $"'{url}' needs the placeholders {{z}}, {{x}} and {{y}}");
        else if (TileUrl is { } absolute && !absolute.StartsWith('/') &&
                 !(Uri.TryCreate(absolute.Replace("{", "").Replace("}", ""), UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
            yield return ("tileUrl", $"'{absolute}' is neither a path on this server nor an absolute http(s) URL");
        if (TileUrl is not null && string.IsNullOrWhiteSpace(TileAttribution))
            yield return ("tileAttribution", "a tile server needs its credit line (tileAttribution)");
        var places = experiment.Steps.OfType<QuestionnaireStep>().SelectMany(q => q.Questions).Where(q => q.Id == HomeTownQuestion).ToList();
        if (places.Count == 0)
            yield return ("homeTownQuestion", $"no questionnaire asks question '{HomeTownQuestion}'; the home town is needed to classify the first target{DidYouMean.Phrase(DidYouMean.Nearest(HomeTownQuestion, experiment.Steps.OfType<QuestionnaireStep>().SelectMany(q => q.Questions).Select(q => q.Id)))}");
        else if (places.All(q => q.Type != QuestionType.Place))
            yield return ("homeTownQuestion", $"question '{HomeTownQuestion}' must be of type 'place'");
    }
}
