using SelfRef.Core.Events;

namespace SelfRef.Core.Tasks.Pen;

/// <summary>
/// The events wwwroot/tasks/pen.js logs. Positions are shares of the sheet (0..1, y downwards),
/// times ms since the step's onset frame (event.timeStamp), pressure 0..1. What the derivation
/// needs is required; what a browser may not know (a key's code on a phone keyboard, the tilt
/// of a finger) may be missing.
/// </summary>
public static class PenEvents
{
    /// <param name="Ratio">devicePixelRatio of the screen.</param>
    public sealed record SheetData(double Width, double Height, double? Ratio);

    /// <param name="S">the stroke's number on this page (0, 1, …).</param>
    /// <param name="Pt">pointerType: mouse, touch or pen.</param>
    /// <param name="P">pressure; <paramref name="Tx"/>/<paramref name="Ty"/> the stylus tilt in degrees.</param>
    public sealed record DownData(int S, string? Pt, double X, double Y, double? P, double? Tx, double? Ty);

    /// <param name="Pts">the stroke's points since the last frame, each [x, y, t, pressure, tiltX, tiltY].</param>
    public sealed record PointsData(int S, IReadOnlyList<IReadOnlyList<double>> Pts);

    /// <param name="Cancelled">the browser cancelled the stroke (pointercancel).</param>
    public sealed record UpData(int S, double? X, double? Y, bool? Cancelled);

    /// <param name="Strokes">how many strokes the sheet held when it was cleared (they stay in the log).</param>
    public sealed record ClearData(int? Strokes);

    public sealed record TimeoutData(int? Seconds);

    public sealed record KeyData(string Key, string? Code, bool? Repeat);

    /// <param name="Text">the whole text after the edit.</param>
    public sealed record TextData(string Text, string? InputType, int? Caret);

    public static readonly IReadOnlyList<EventDeclaration> Handwriting =
    [
        EventDeclaration.Of<SheetData>("pen.sheet", "The sheet's size in CSS pixels, when shown and after every resize."),
        EventDeclaration.Of<DownData>("pen.down", "A stroke begins."),
        EventDeclaration.Of<PointsData>("pen.points", "The points of the stroke since the last animation frame (coalesced events included)."),
        EventDeclaration.Of<UpData>("pen.up", "The stroke ends."),
        EventDeclaration.Of<ClearData>("pen.clear", "The participant cleared the sheet."),
        EventDeclaration.Of<TimeoutData>("pen.timeout", "The step ended by its time limit."),
    ];

    // Typed letters spell whatever the participant wrote, their name first of all; strokes are no text.
    public static readonly IReadOnlyList<EventDeclaration> Keyboard =
    [
        EventDeclaration.Of<KeyData>("key.down", "A key was pressed in the text box.", "key", "code"),
        EventDeclaration.Of<TextData>("text.input", "The text box's text after an edit.", "text"),
        EventDeclaration.Of<TimeoutData>("pen.timeout", "The step ended by its time limit."),
    ];
}
