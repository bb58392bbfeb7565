using SelfRef.Core.Events;
using SelfRef.Core.Experiments;

namespace SelfRef.Core.Tasks.Map;

/// <summary>The map task as one unit (see <see cref="TaskType"/>): parameters in <see cref="MapStep"/>, events in <see cref="MapEvents"/>, outcome by <see cref="MapClassification"/>, synthetic participant by <see cref="MapScript"/>.</summary>
public sealed class MapTask() : TaskType("map", typeof(MapStep))
{
    public static readonly MapTask Type = new();

    public override int RuleVersion => 2;

    // Gallup: 447 of 500 students shown a map first looked for their home town.
    public override double? ReferenceProportion => 0.894;

    public override IReadOnlyList<EventDeclaration> Events(Step step) => MapEvents.All;

    public override IReadOnlyList<OutcomeColumn> Columns { get; } =
    [
        new("distance_km", OutcomeColumnKind.Number, "Great-circle distance from the first target to the home town named later.", "km", "number >= 0; empty without a target or a home town", Role: OutcomeColumnRole.DistanceKm),
        new("target_lat", OutcomeColumnKind.Number, "Latitude of the first target (WGS 84). The first target is often the home town: identifies the participant.", "degrees", "between -90 and 90; empty without a target", Identifying: true, Role: OutcomeColumnRole.TargetLatitude),
        new("target_lon", OutcomeColumnKind.Number, "Longitude of the first target (WGS 84). Identifies the participant.", "degrees", "between -180 and 180; empty without a target", Identifying: true, Role: OutcomeColumnRole.TargetLongitude),
        new("home_lat", OutcomeColumnKind.Number, "Latitude of the home town named (WGS 84). Identifies the participant.", "degrees", "between -90 and 90; empty without a home town", Identifying: true, Role: OutcomeColumnRole.HomeLatitude),
        new("home_lon", OutcomeColumnKind.Number, "Longitude of the home town named (WGS 84). Identifies the participant.", "degrees", "between -180 and 180; empty without a home town", Identifying: true, Role: OutcomeColumnRole.HomeLongitude),
    ];

    public override Type Deriver => typeof(MapClassification);

    public override string FirstAction(Step? step)
    {
        var map = step as MapStep;
        var zoom = map is null ? "the step's targetZoom (default 10)" : FormattableString.Invariant($"zoom level {map.TargetZoom:0.##}");
        var dwell = map is null ? "dwellMs (default 800 ms)" : FormattableString.Invariant($"{map.DwellMs:#,0} ms");
        var radius = map is null ? "the step's homeRadiusKm (default 25 km)" : FormattableString.Invariant($"{map.HomeRadiusKm:0.##} km");
        return $"First action: the first target, the first place the participant singles out on the map: the first search result chosen, " +
            $"else the centre of the first zoom-in to {zoom} or closer held for {dwell}, else the first click. " +
            $"It is self-referential when its great-circle distance to the home town the participant names later in the questionnaire is at most {radius}; the distance is kept. " +
            "A map never touched has no first action (\"no action\"); one explored without singling out a place has no target (\"no target\").";
    }

    public override IReadOnlyList<string> IdentifyingQuestions(Step step) => [((MapStep)step).HomeTownQuestion];

    public override string? ReplayModule(Step step) => "/js/map-replay.js";

    public override string? ReplayDataName(Step step) => MapReplay.DataName;

    public override object? ReplayData(Step step, IReadOnlyList<StoredEvent> events) => MapReplay.Data((MapStep)step, events);

    // A tile server's origin; "{s}." subdomains become a wildcard of the domain.
    public override IReadOnlyList<string> ExternalOrigins(Step step) =>
        ((MapStep)step).TileUrl is { } url && !url.StartsWith('/')
            && Uri.TryCreate(url.Replace("{s}", "a").Replace("{z}", "0").Replace("{x}", "0").Replace("{y}", "0").Replace("{r}", ""), UriKind.Absolute, out var uri)
            ? [$"{uri.Scheme}://{(url.Contains("{s}.") ? "*." + uri.Host.Split('.', 2)[1] : uri.Host)}{(uri.IsDefaultPort ? "" : ":" + uri.Port)}"]
            : [];

    public override LocalizedText? Instruction(Step step) => ((MapStep)step).Instruction;

    // "zoom 11 held: Munich (DE, town)" names the place looked at first, most often the home town: keep how, not where.
    public override TaskOutcome WithoutIdentifiers(Step? step, TaskOutcome outcome) =>
        base.WithoutIdentifiers(step, outcome) with { MatchDetail = outcome.MatchDetail?.Split(':')[0] };

    public override IReadOnlyList<ClientEvent> Simulate(Step step, TaskSimulation simulation) => MapScript.Events((MapStep)step, simulation);

    public override IReadOnlyDictionary<string, string> SimulatedAnswers(Step step, SimulatedPerson person) => MapScript.Answers((MapStep)step, person);
}
