using SelfRef.Core.Events;
using SelfRef.Core.Tasks.Pen.NameMatching;

namespace SelfRef.Core.Tasks.Pen;

/// <summary>
/// A pen step as wwwroot/tasks/pen.js logs it. Handwriting: the sheet's size, then strokes as
/// pen.down, pen.points once per animation frame ([x, y, t, pressure, tiltX, tiltY], x and y as
/// shares of the sheet) and pen.up; the first word's strokes follow each other within a fraction
/// of firstWordGapMs, and a pause longer than the gap separates it from what comes next. Keyboard:
/// key.down and text.input after every key, the first token ended by a space. The first word is
/// the own name when the participant's truth says so (see <see cref="PenTask.Simulate"/>).
/// </summary>
public static class PenScript
{
    private const double FrameMs = 1000.0 / 60;

    private static readonly Dictionary<string, string[]> OtherWords = new()
    {
        ["de"] = ["Hallo", "Test", "Probe", "Stift", "Wetter", "Montag", "Katze", "Sonne", "asdf", "Tastatur"],
        ["en"] = ["Hello", "Test", "testing", "pen", "weather", "Monday", "cat", "sunshine", "asdf", "keyboard"],
    };

    public static IReadOnlyList<ClientEvent> Events(PenStep step, TaskSimulation simulation) =>
        (step.Input == PenInput.Keyboard ? Keyboard(step, new EventList(), simulation) : Handwriting(step, new EventList(), simulation)).Events;

    /// <summary>The name the person gives later, under the questions the step compares with.</summary>
    public static IReadOnlyDictionary<string, string> Answers(PenStep step, SimulatedPerson person) =>
        new Dictionary<string, string> { [step.FirstNameQuestion] = person.FirstName, [step.SurnameQuestion] = person.Surname };

    /// <summary>What the participant writes first: their name, or a word that is not their name (checked with the matcher the analysis uses).</summary>
    public static string FirstWord(TaskSimulation context)
    {
        var p = context.Person;
        if (context.SelfReferentialFirst) return context.Chance(0.2) ? $"{p.FirstName} {p.Surname}" : p.FirstName;
        var words = OtherWords[p.Language == "de" ? "de" : "en"];
        for (var attempt = 0; ; attempt++)
        {
            var word = words[context.Random.Next(words.Length)];
            if (!NameMatcher.Match(word, p.FirstName, p.Surname).Matched || attempt > 50) return word;
        }
    }

    private static EventList Keyboard(PenStep step, EventList events, TaskSimulation context)
    {
        var p = context.Person;
        var first = FirstWord(context);
        if (context.Chance(0.25)) first = first.ToLowerInvariant();
        var more = OtherWords[p.Language == "de" ? "de" : "en"][context.Random.Next(10)];
        // The first token ends at the first space; keys within it come faster than the gap.
        var text = first + " " + more.ToLowerInvariant();
        var t = context.LatencyMs;
        var typed = "";
        var keyGap = Math.Min(0.4 * step.FirstWordGapMs, 220);
        foreach (var c in text)
        {
            if (char.IsUpper(c)) { events.Add(t, "key.down", new { key = "Shift", code = "ShiftLeft", repeat = false }); t += context.Uniform(30, 80); }
            events.Add(t, "key.down", new { key = c.ToString(), code = Code(c), repeat = false });
            typed += c;
            events.Add(t + context.Uniform(1, 4), "text.input", new { text = typed, inputType = "insertText", caret = typed.Length });
            t += context.Uniform(0.3, 1) * keyGap;
        }
        events.Add(t + context.Uniform(800, 4000), "ui.click", new { target = "pen-done" });
        return events;
    }

    private static string Code(char c) => c switch
    {
        ' ' => "Space",
        '-' => "Minus",
        _ when c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' => "Key" + char.ToUpperInvariant(c),
        _ => "",
    };

    private static EventList Handwriting(PenStep step, EventList events, TaskSimulation context)
    {
        var p = context.Person;
        var device = context.Device;
        var sheetWidth = device.ViewportWidth - 32.0;
        var sheetHeight = Math.Max(300, device.ViewportHeight - 180.0);
        events.Add(-context.Uniform(2, 12), "pen.sheet", new { width = (int)sheetWidth, height = (int)sheetHeight, ratio = device.PixelRatio });

        // Letters about 40–70 CSS px high on every device; positions are shares of the sheet.
        var letterHeight = context.Uniform(40, 70) / sheetHeight;
        var letterWidth = context.Uniform(0.55, 0.85) * letterHeight * sheetHeight / sheetWidth;
        var cursive = context.Chance(0.4);
        var sampleMs = device.Pointer switch { "pen" => 4.0, "touch" => 16.0, _ => 8.0 };
        var stroke = 0;
        var t = context.LatencyMs;
        var x = context.Uniform(0.05, 0.25);
        var y = context.Uniform(0.08, 0.35);
        var withinGap = Math.Min(0.3 * step.FirstWordGapMs, 250);

        void Word(string word, double top)
        {
            // Cursive joins a word's letters into one stroke (a space starts a new one); print writes a stroke per letter.
            var pieces = cursive ? word.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList() : word.Where(c => c != ' ').Select(c => c.ToString()).ToList();
            foreach (var piece in pieces)
            {
                var width = letterWidth * piece.Length;
                var duration = context.Uniform(140, 260) * piece.Length;
                t = Stroke(events, context, stroke++, x, top, width, letterHeight, t, duration, sampleMs) + context.Uniform(0.2, 1) * withinGap;
                x += width + 0.15 * letterWidth;
            }
        }

        Word(FirstWord(context), y);
        // Then a pause longer than the gap and more writing, on the same line or the next; or nothing more.
        if (context.Chance(0.8))
        {
            t += step.FirstWordGapMs * context.Uniform(1.3, 3);
            if (context.Chance(0.5)) { x = context.Uniform(0.05, 0.25); y += letterHeight * (step.NewLineHeights + 1.5); }
            else x += letterWidth;
            Word(OtherWords[p.Language == "de" ? "de" : "en"][context.Random.Next(10)], y);
        }
        events.Add(t + context.Uniform(800, 4000), "ui.click", new { target = "pen-done" });
        return events;
    }

    /// <summary>One stroke: a squiggle through its box, sampled every <paramref name="sampleMs"/> and sent once per frame. Returns when the pen lifted.</summary>
    private static double Stroke(EventList events, TaskSimulation context, int index, double left, double top, double width, double height,
        double start, double duration, double sampleMs)
    {
        var pointer = context.Device.Pointer;
        var (turns, phase) = (Math.Max(1, (int)Math.Round(width / height * 2)), context.Uniform(0, Math.PI));
        var points = new List<double[]>();
        for (var t = 0.0; t <= duration; t += sampleMs * context.Uniform(0.8, 1.2))
        {
            var s = t / duration;
            var px = left + width * (s + 0.08 * Math.Sin(2 * Math.PI * turns * s));
            var py = top + height * (0.5 + 0.45 * Math.Sin(2 * Math.PI * turns * s + phase));
            var pressure = pointer == "pen" ? Math.Round(0.35 + 0.3 * Math.Sin(Math.PI * s) + context.Uniform(0, 0.05), 3) : 0.5;
            var (tiltX, tiltY) = pointer == "pen" ? (context.Random.Next(-30, 31), context.Random.Next(10, 50)) : (0, 0);
            points.Add([TaskSimulation.Round5(px), TaskSimulation.Round5(py), Math.Round(start + t, 2), pressure, tiltX, tiltY]);
        }
        var first = points[0];
        events.Add(first[2], "pen.down", new { s = index, pt = pointer, x = first[0], y = first[1], p = first[3], tx = first[4], ty = first[5] });
        // The browser sends the points it saw during a frame at the end of that frame.
        var frame = new List<double[]>();
        var frameEnd = start + FrameMs;
        foreach (var point in points.Skip(1))
        {
            if (point[2] > frameEnd && frame.Count > 0)
            {
                events.Add(frame[^1][2], "pen.points", new { s = index, pts = frame.ToArray() });
                frame = [];
            }
            while (point[2] > frameEnd) frameEnd += FrameMs;
            frame.Add(point);
        }
        if (frame.Count > 0) events.Add(frame[^1][2], "pen.points", new { s = index, pts = frame.ToArray() });
        var last = points[^1];
        var up = last[2] + context.Uniform(2, 10);
        events.Add(up, "pen.up", new { s = index, x = last[0], y = last[1], cancelled = false });
        return up;
    }
}
