using SelfRef.Core.Coding;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Tasks.Pen;

namespace SelfRef.Web.Researcher;

/// <summary>
/// One answer as a coder sees it: the first word, the sheet, the name given later, and the coder's
/// own code and note, never another coder's. Served to the coding page as JSON and rendered by it.
/// </summary>
public sealed record CodingItem(
    string Session, string Step, string? FirstWord, string Sheet, string Strokes, string Name, string Hint,
    string? YourCode, string? YourValue, string? YourNote);

/// <summary>Where a coder stands in an experiment's queue.</summary>
public sealed record CodingProgress(int Coded, int Codable, int Waiting);

/// <summary>
/// A coder's blind queue: the handwritten answers of an experiment that still need coders
/// (fewer than the experiment's required coders, not adjudicated) and that this coder has not
/// coded, in the order participants started. Whatever it answers is computed from the asking
/// coder's own codes and the number of codes per answer, never from another coder's values.
/// </summary>
public sealed class CodingQueue(IStore store, SessionService sessions, HandwrittenSheets sheets)
{
    public (CodingItem? Item, CodingProgress Progress) Next(ExperimentHistory history, string coder, IReadOnlySet<string> skipped)
    {
        var items = sheets.Codable(history);
        var codes = store.Codes(history.Id);
        var mine = codes.Where(c => !c.Adjudication && c.Coder == coder).ToList();
        var required = history.Latest.Privacy.Coders;
        var counts = codes.GroupBy(c => (c.SessionId, c.StepId)).ToDictionary(g => g.Key, g => g.ToList());
        var open = items.Where(i =>
        {
            var key = (i.Session.Id, i.Step.Id);
            if (mine.Any(c => c.SessionId == key.Item1 && c.StepId == key.Item2)) return false;
            var theirs = counts.GetValueOrDefault(key) ?? [];
            return !theirs.Any(c => c.Adjudication) && theirs.Count < required;
        }).ToList();
        var coded = mine.Count(c => items.Any(i => i.Session.Id == c.SessionId && i.Step.Id == c.StepId));
        var progress = new CodingProgress(coded, items.Count, open.Count);
        var next = open.FirstOrDefault(i => !skipped.Contains(Key(i.Session.Id, i.Step.Id)));
        return (next.Session is null ? null : Item(history.Id, next.Session.Id, next.Step.Id, coder), progress);
    }

    public static string Key(string session, string step) => $"{session}/{step}";

    /// <summary>One answer of the experiment for this coder, or null when it is not a handwritten answer of it.</summary>
    public CodingItem? Item(string experimentId, string sessionId, string stepId, string coder)
    {
        if (sheets.Load(sessionId, stepId) is not { } sheet || sheet.Session.ExperimentId != experimentId) return null;
        var own = store.CodesOf(sessionId).FirstOrDefault(c => !c.Adjudication && c.StepId == stepId && c.Coder == coder);
        var root = $"/researcher/sessions/{Uri.EscapeDataString(sessionId)}/steps/{Uri.EscapeDataString(stepId)}";
        var hint = sheet.FirstWord is { } word
            ? $"{word.Strokes.Count} stroke(s), written in {word.DurationMs:0} ms; ended by {Ending(word.EndedBy)}."
            : "No first word could be found on this sheet.";
        return new CodingItem(sessionId, stepId, sheet.FirstWord is null ? null : $"{root}/first-word.svg", $"{root}/sheet.svg", $"{root}/strokes.json",
            $"{sheet.FirstName ?? "—"} {sheet.Surname ?? "—"}", hint, own?.Value.Words(), own?.Value.ToString(), own?.Note);
    }

    private static string Ending(WordEnd end) => end switch
    {
        WordEnd.Pause => "a pause",
        WordEnd.NewLine => "a new line",
        _ => "the end of writing",
    };

    /// <summary>Stores the coder's code (and note) of an answer of this experiment; false when the answer is not one.</summary>
    public async Task<bool> Save(string experimentId, string sessionId, string stepId, string coder, CodeValue value, string? note, DateTime at)
    {
        if (sheets.Load(sessionId, stepId) is not { } sheet || sheet.Session.ExperimentId != experimentId) return false;
        await sessions.SaveCode(new CoderCode
        {
            ExperimentId = experimentId, SessionId = sessionId, StepId = stepId, Coder = coder, Value = value, At = at,
            Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim()[..Math.Min(note.Trim().Length, 500)],
        });
        return true;
    }

    /// <summary>Takes back the coder's latest code in the experiment; returns it (null when there is none).</summary>
    public async Task<CoderCode?> Undo(string experimentId, string coder)
    {
        var last = store.Codes(experimentId).Where(c => !c.Adjudication && c.Coder == coder).MaxBy(c => c.At);
        if (last is not null) await sessions.DeleteCode(last);
        return last;
    }
}
