using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SelfRef.Core.Experiments;

namespace SelfRef.Core.Tasks.Map;

/// <summary>The map task: a map to explore freely; which place does the participant single out first?</summary>
public sealed record MapStep : Step
{
    public static readonly StepType Type = new("map", typeof(MapStep), IsTask: true);

    [Description("Neutral instruction shown above the map, per language (e.g. 'take a look at the map').")]
    public required LocalizedText Instruction { get; init; }

    [Description("A zoom-in past this level, held for DwellMs, singles out a place.")]
    [Range(1, 20)]
    public double TargetZoom { get; init; } = 10;

    [Description("How long (ms) a zoom-in must be held to count as singling out its centre.")]
    [Range(0, 60_000)]
    public int DwellMs { get; init; } = 800;

    [Description("A first target within this distance (km) of the home town counts as 'looked for home first'.")]
    [Range(0.1, 1_000)]
    public double HomeRadiusKm { get; init; } = 25;
}
