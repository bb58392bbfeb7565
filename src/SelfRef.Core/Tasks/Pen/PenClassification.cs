using System.Globalization;
using SelfRef.Core.Coding;
using SelfRef.Core.Tasks.Pen.NameMatching;

namespace SelfRef.Core.Tasks.Pen;

/// <summary>
/// Whether the first thing written was the participant's own name: typed words are matched
/// automatically against the name given later; handwriting is decided by human coders.
/// </summary>
public sealed class PenClassification : ITaskDeriver
{
    public TaskOutcome Derive(TaskEvidence evidence) => Outcome(evidence);

    public static TaskOutcome Outcome(TaskEvidence evidence)
    {
        var step = (PenStep)evidence.Step;
        var pen = PenOutcome.Extract(step, evidence.Events);
        if (!pen.Acted) return TaskOutcome.Missing("no action");
        var outcome = Classify(evidence, step, pen);
        return pen.FirstWord is { } word
            ? outcome.With("first_word_strokes", word.Strokes.Count).With("first_word_ms", Math.Round(word.DurationMs, 2)).With("word_end", Describe(word.EndedBy))
            : pen.FirstToken is { } token
                ? outcome.With("first_word_ms", Math.Round(token.EndMs - token.StartMs, 2)).With("word_end", Describe(token.EndedBy))
                : outcome;
    }

    private static TaskOutcome Classify(TaskEvidence evidence, PenStep step, PenOutcome pen)
    {
        if (step.Input == PenInput.Keyboard)
        {
            var firstName = evidence.Answer(step.FirstNameQuestion);
            var surname = evidence.Answer(step.SurnameQuestion);
            if (firstName is null && surname is null) return TaskOutcome.Missing("no name given", pen.LatencyMs, pen.PointerType);
            var match = NameMatcher.Match(pen.FirstToken?.Text, firstName, surname);
            var detail = match.Matched
                ? $"{Describe(match.Part)} ({match.Score.ToString("0.00", CultureInfo.InvariantCulture)})"
                : $"no match (closest {match.Score.ToString("0.00", CultureInfo.InvariantCulture)})";
            return new TaskOutcome(pen.LatencyMs, match.Matched, null, detail, pen.PointerType);
        }

        var codes = evidence.Codes.Where(c => c.SessionId == evidence.Session.Id && c.StepId == step.Id).ToList();
        var consensus = CodeConsensus.Of(codes, evidence.Experiment.Privacy.Coders);
        var howCoded = CodingDetail(codes, consensus);
        return consensus.Value switch
        {
            CodeValue.OwnName => new TaskOutcome(pen.LatencyMs, true, null, howCoded, pen.PointerType),
            CodeValue.Other => new TaskOutcome(pen.LatencyMs, false, null, howCoded, pen.PointerType),
            CodeValue.Unreadable => new TaskOutcome(pen.LatencyMs, null, CodeConsensus.Unreadable, howCoded, pen.PointerType),
            _ => new TaskOutcome(pen.LatencyMs, null, consensus.Missing, howCoded, pen.PointerType),
        };
    }

    /// <summary>How the code was reached, in words: "coded by 2: own name, other word; adjudicated by anna: own name".</summary>
    public static string? CodingDetail(IReadOnlyList<CoderCode> codes, Consensus consensus)
    {
        var coded = CodeConsensus.Detail(codes);
        if (consensus.Adjudication is not { } a) return coded;
        return $"{coded ?? "coded by 0: none"}; adjudicated by {a.Coder}: {a.Value.Words()}";
    }

    private static string Describe(WordEnd end) => end switch
    {
        WordEnd.Pause => "pause",
        WordEnd.NewLine => "new line",
        _ => "end of writing",
    };

    private static string Describe(NamePart part) => part switch
    {
        NamePart.FirstName => "first name",
        NamePart.Surname => "surname",
        NamePart.FullName => "full name",
        NamePart.Initials => "initials",
        NamePart.FirstNamePart => "part of first name",
        NamePart.SurnamePart => "part of surname",
        _ => "none",
    };
}
