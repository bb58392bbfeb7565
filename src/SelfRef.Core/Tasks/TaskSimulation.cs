using System.Text.Json;
using SelfRef.Core.Gazetteer;

namespace SelfRef.Core.Tasks;

/// <summary>
/// What a task type's script (<see cref="TaskType.Simulate"/>) gets to act one synthetic
/// participant through one of its steps, without knowing the simulator: who the person is, the
/// truth it must act out (whether their first action is self-referential, and when it comes),
/// their device, a random source of their own for this step, places to look for, and the task's
/// habits. The script decides everything else about how the page is used, so that the task's own
/// derivation classifies the first action as the truth says.
/// </summary>
public sealed record TaskSimulation
{
    public required SimulatedPerson Person { get; init; }

    /// <summary>The truth to act out: the first action of this step refers to the person (their name, home town, initials …) or not.</summary>
    public required bool SelfReferentialFirst { get; init; }

    /// <summary>Time (ms) from the step's onset to the first action the task's derivation times.</summary>
    public required double LatencyMs { get; init; }

    public required SimulatedDevice Device { get; init; }

    /// <summary>Every draw of this step comes from here: the same seed gives the same events.</summary>
    public required Random Random { get; init; }

    public required ISimulatedPlaces Places { get; init; }

    /// <summary>
    /// The task's habits by name (e.g. the map's "search": the share who search rather than zoom),
    /// as the simulation was configured; a script reads each with its usual value (<see cref="Habit"/>).
    /// </summary>
    public IReadOnlyDictionary<string, double> Habits { get; init; } = new Dictionary<string, double>();

    /// <summary>
    /// The step as the participant's page received it from the server (id, type, index, parameters and
    /// whatever else the server gives this participant, e.g. the seed of a shuffled grid); null when a
    /// script runs without a server.
    /// </summary>
    public JsonElement? Page { get; init; }

    public Gazetteer.Gazetteer Gazetteer => Places.Gazetteer;

    public double Uniform(double low, double high) => low + (high - low) * Random.NextDouble();

    public bool Chance(double p) => Random.NextDouble() < p;

    /// <summary>The habit's configured value, or <paramref name="usual"/> when the simulation sets none.</summary>
    public double Habit(string name, double usual) => Habits.TryGetValue(name, out var value) ? value : usual;

    /// <summary>A place farther than <paramref name="minKm"/> from the person's home town, drawn from this step's random source.</summary>
    public Place FarFromHome(double minKm) => Places.Elsewhere(Person.HomeTown, minKm, Random);

    /// <summary>Coordinates and shares as the pages round them (five decimals: about a metre).</summary>
    public static double Round5(double value) => Math.Round(value, 5);
}

/// <summary>The synthetic person as a task's script sees them.</summary>
/// <param name="Language">the page's language (de, en).</param>
/// <param name="HomeTownShown">how the page's place picker shows the home town ("München, Germany"), kept in a place answer after the id.</param>
public sealed record SimulatedPerson(string FirstName, string Surname, string Language, Place HomeTown, string HomeTownShown);

/// <summary>The synthetic participant's device.</summary>
/// <param name="Kind">desktop, tablet or phone.</param>
/// <param name="Pointer">the main pointer's pointerType: mouse, pen or touch.</param>
/// <param name="CoarsePointer">whether the page sees a coarse pointer (a finger).</param>
/// <param name="PixelRatio">devicePixelRatio.</param>
public sealed record SimulatedDevice(string Kind, string Pointer, bool CoarsePointer, int ViewportWidth, int ViewportHeight, double PixelRatio);

/// <summary>The places a simulation draws from (home towns, places elsewhere), and how a page shows one.</summary>
public interface ISimulatedPlaces
{
    /// <summary>The gazetteer the server uses (for the suggestions a search would show).</summary>
    Gazetteer.Gazetteer Gazetteer { get; }

    /// <summary>A place farther than <paramref name="minKm"/> from <paramref name="home"/>.</summary>
    Place Elsewhere(Place home, double minKm, Random random);

    /// <summary>How a place picker shows the place ("München, Germany").</summary>
    string Shown(Place place);
}
