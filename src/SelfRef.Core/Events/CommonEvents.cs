namespace SelfRef.Core.Events;

/// <summary>The events every step logs (wwwroot/js/participant.js and dom.js), whatever its type.</summary>
public static class CommonEvents
{
    public const string Onset = "step.onset";

    /// <param name="Index">the step's position in the session (0-based).</param>
    /// <param name="Wall">Date.now() at the onset frame, ms since 1970 (UTC).</param>
    /// <param name="TimeOrigin">performance.timeOrigin of the page.</param>
    /// <param name="At">performance.timeOrigin + the onset frame's time: the onset on a clock shared by every page load, in ms since 1970 with sub-ms resolution (absent before it was logged).</param>
    /// <param name="Viewport">the page's size in CSS pixels.</param>
    /// <param name="CoarsePointer">whether the main pointer is a finger.</param>
    // Only the index is required: a page that cannot say the rest (no performance.timeOrigin) still shows the step.
    public sealed record OnsetData(int? Index, double? Wall, double? TimeOrigin, double? At, ViewportData? Viewport, bool? CoarsePointer);

    public sealed record ViewportData(double Width, double Height);

    /// <param name="State">"visible" or "hidden" (the tab was left or came back).</param>
    public sealed record VisibilityData(string State);

    /// <param name="Target">the id of the button clicked ("agree", "continue", "submit", "done", …).</param>
    public sealed record ClickData(string Target);

    public static readonly IReadOnlyList<EventDeclaration> All =
    [
        EventDeclaration.Of<OnsetData>(Onset, "The step was first shown (its clock starts at this frame)."),
        EventDeclaration.Of<VisibilityData>("page.visibility", "The page was hidden or shown again (tab switch, screen off)."),
        EventDeclaration.Of<ClickData>("ui.click", "A button of the page was clicked."),
    ];
}
