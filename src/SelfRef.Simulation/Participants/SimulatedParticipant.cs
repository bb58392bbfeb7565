using SelfRef.Core.Gazetteer;
using SelfRef.Core.Tasks;

namespace SelfRef.Simulation.Participants;

public enum Device { Desktop, Tablet, Phone }

/// <summary>
/// One synthetic participant: who they are (a locale-fitting name and a home town from the
/// gazetteer), what they use, and where they stop. Their truth in each task type (the first action
/// self-referential or not, and its latency) is drawn per task type from the run's seed and their
/// index (<see cref="ParticipantGenerator.Truth"/>). Everything random about them, and about the
/// events they produce, follows from the run's seed and their index.
/// </summary>
/// <param name="LeavesAtStep">Index of the session step during which they stop (0 is the first step); beyond the last step when they finish.</param>
/// <param name="Stream">Their browser tab's event stream id.</param>
public sealed record SimulatedParticipant(
    int Index,
    int Seed,
    string Locale,
    string Language,
    string FirstName,
    string Surname,
    Place HomeTown,
    string HomeTownShown,
    int Age,
    Device Device,
    string PointerType,
    int ViewportWidth,
    int ViewportHeight,
    bool DeclinesConsent,
    int LeavesAtStep,
    string UserAgent,
    string AcceptLanguage,
    string Stream,
    string ProlificId)
{
    public bool CoarsePointer => Device != Device.Desktop;

    /// <summary>The person as a task's script sees them.</summary>
    public SimulatedPerson Person => new(FirstName, Surname, Language, HomeTown, HomeTownShown);

    /// <summary>The device as a task's script sees it (phones and tablets with a screen of twice the pixels).</summary>
    public SimulatedDevice SimulatedDevice => new(Device.ToString().ToLowerInvariant(), PointerType, CoarsePointer, ViewportWidth, ViewportHeight, Device == Device.Desktop ? 1 : 2);
}
