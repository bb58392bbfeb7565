using SelfRef.Core.Coding;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;

namespace SelfRef.Core.Tasks.Pen;

/// <summary>A participant's handwritten sheet as the coders and exports see it.</summary>
public sealed record HandwrittenSheet(Session Session, PenStep Step, IReadOnlyList<PenStroke> Strokes, FirstWord? FirstWord, double Aspect)
{
    public string? FirstName => Session.Answers.FirstOrDefault(a => a.Key.EndsWith("." + Step.FirstNameQuestion, StringComparison.Ordinal)).Value;
    public string? Surname => Session.Answers.FirstOrDefault(a => a.Key.EndsWith("." + Step.SurnameQuestion, StringComparison.Ordinal)).Value;
}

/// <summary>
/// Finds and rebuilds handwritten sheets, and says which still need a coder's code: the pen task's
/// coding queue, for the researcher's coding view and the sheet images.
/// </summary>
public sealed class HandwrittenSheets(IStore store, SessionService sessions)
{
    public HandwrittenSheet? Load(string sessionId, string stepId)
    {
        if (store.FindSession(sessionId) is not { } session || sessions.History(session.ExperimentId) is null) return null;
        if (sessions.ExperimentOf(session).Steps.FirstOrDefault(s => s.Id == stepId) is not PenStep { Input: PenInput.Pen } step) return null;
        var events = StepEvents.Of(store.Events(sessionId), stepId);
        var strokes = PenStrokes.From(events);
        return new HandwrittenSheet(session, step, strokes, FirstWordSegmentation.Find(strokes, step.FirstWordGapMs, step.NewLineHeights), PenReplay.Aspect(events));
    }

    /// <summary>
    /// Every handwritten answer of the experiment that can be coded: the participant wrote
    /// something and has since given a name to compare it with. Pilot runs are not coded; each
    /// session's handwriting steps are those of the version it ran on.
    /// </summary>
    public IReadOnlyList<(Session Session, PenStep Step)> Codable(ExperimentHistory history)
    {
        var items = new List<(Session, PenStep)>();
        foreach (var session in store.SessionsOf(history.Id).Where(s => s.Status != SessionStatus.Declined && !s.Pilot).OrderBy(s => s.StartedAt))
        {
            var steps = history.ExperimentOf(session).Steps.OfType<PenStep>().Where(s => s.Input == PenInput.Pen);
            IReadOnlyList<StoredBatch>? batches = null;
            foreach (var step in steps)
            {
                var index = session.Steps.IndexOf(step.Id);
                if (index < 0 || index >= session.StepIndex) continue;
                if (!session.Answers.Keys.Any(k => k.EndsWith("." + step.FirstNameQuestion, StringComparison.Ordinal) || k.EndsWith("." + step.SurnameQuestion, StringComparison.Ordinal))) continue;
                batches ??= store.Events(session.Id);
                if (batches.Any(b => b.Step == step.Id && b.Events.Any(e => e.Type == "pen.down"))) items.Add((session, step));
            }
        }
        return items;
    }

    /// <summary>The first of <paramref name="items"/> this coder has not coded yet.</summary>
    public static (Session Session, PenStep Step)? NextFor(IEnumerable<(Session Session, PenStep Step)> items, IEnumerable<CoderCode> codesOfCoder)
    {
        var mine = codesOfCoder.Select(c => (c.SessionId, c.StepId)).ToHashSet();
        foreach (var item in items)
            if (!mine.Contains((item.Session.Id, item.Step.Id))) return item;
        return null;
    }
}
