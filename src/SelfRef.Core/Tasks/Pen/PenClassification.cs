using System.Globalization;
using SelfRef.Core.Coding;
using SelfRef.Core.Tasks.Pen.NameMatching;

namespace SelfRef.Core.Tasks.Pen;

/// <summary>
/// Whether the first thing written was the participant's own name: typed words are matched
/// automatically against the name given later; handwriting is decided by human coders.
/// </summary>
public static class PenClassification
{
    public static TaskOutcome Outcome(TaskEvidence evidence)
    {
        var step = (PenStep)evidence.Step;
        var pen = PenOutcome.Extract(step, evidence.Events);
        if (!pen.Acted) return new TaskOutcome(null, null, "no action", null, null, null);

        if (step.Input == PenInput.Keyboard)
        {
            var firstName = Answer(evidence, step.FirstNameQuestion);
            var surname = Answer(evidence, step.SurnameQuestion);
            if (firstName is null && surname is null)
                return new TaskOutcome(pen.LatencyMs, null, "no name given", null, null, pen.PointerType);
            var match = NameMatcher.Match(pen.FirstToken?.Text, firstName, surname);
            var detail = match.Matched
                ? $"{Describe(match.Part)} ({match.Score.ToString("0.00", CultureInfo.InvariantCulture)})"
                : $"no match (closest {match.Score.ToString("0.00", CultureInfo.InvariantCulture)})";
            return new TaskOutcome(pen.LatencyMs, match.Matched, null, detail, null, pen.PointerType);
        }

        var codes = evidence.Codes.Where(c => c.SessionId == evidence.Session.Id && c.StepId == step.Id).ToList();
        var (value, missing) = CodeConsensus.Of(codes);
        var coded = codes.Count == 0 ? null : $"coded by {codes.Count}: {string.Join(", ", codes.OrderBy(c => c.Coder).Select(c => c.Value))}";
        return value switch
        {
            CodeValue.OwnName => new TaskOutcome(pen.LatencyMs, true, null, coded, null, pen.PointerType),
            CodeValue.Other => new TaskOutcome(pen.LatencyMs, false, null, coded, null, pen.PointerType),
            CodeValue.Unreadable => new TaskOutcome(pen.LatencyMs, null, "unreadable", coded, null, pen.PointerType),
            _ => new TaskOutcome(pen.LatencyMs, null, missing, coded, null, pen.PointerType),
        };
    }

    /// <summary>The answer to a questionnaire question, whichever questionnaire step asked it.</summary>
    public static string? Answer(TaskEvidence evidence, string questionId) =>
        evidence.Session.Answers.FirstOrDefault(a => a.Key.EndsWith("." + questionId, StringComparison.Ordinal)).Value;

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
