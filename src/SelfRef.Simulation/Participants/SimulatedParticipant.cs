using SelfRef.Core.Gazetteer;

namespace SelfRef.Simulation.Participants;

public enum Device { Desktop, Tablet, Phone }

/// <summary>
/// One synthetic participant: who they are (a locale-fitting name and a home town from the
/// gazetteer), what they use, and what they will do. <see cref="WritesOwnNameFirst"/> and
/// <see cref="LooksForHomeFirst"/> are the truths the analysis should recover. Everything
/// random about them, and about the events they produce, follows from <see cref="Seed"/>.
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
    bool WritesOwnNameFirst,
    bool LooksForHomeFirst,
    double PenLatencyMs,
    double MapLatencyMs,
    bool DeclinesConsent,
    int LeavesAtStep,
    string UserAgent,
    string AcceptLanguage,
    string Stream,
    string ProlificId)
{
    public bool CoarsePointer => Device != Device.Desktop;
}
