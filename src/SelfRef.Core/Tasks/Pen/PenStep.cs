using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using SelfRef.Core.Experiments;

namespace SelfRef.Core.Tasks.Pen;

public enum PenInput { Pen, Keyboard }

/// <summary>The pen task: a blank sheet and a pen; what does the participant write first?</summary>
public sealed partial record PenStep : Step, IStepRules, IStepNotices
{
    [Description("Neutral instruction shown above the sheet, per language (e.g. 'try the pen'); it must not mention names unless allowNamesInInstruction is true.")]
    public required LocalizedText Instruction { get; init; }

    [Description("Allow the instruction to mention names, e.g. for a positive-control condition ('write your name'). Needs allowNamesReason; validate and the report mention it.")]
    public bool AllowNamesInInstruction { get; init; }

    [Description("Why this step's instruction may mention names (e.g. 'positive control: participants are asked to write their name'); required when allowNamesInInstruction is true. Omitted: no reason, which is only valid when names are not allowed.")]
    public string? AllowNamesReason { get; init; }

    [Description("pen: a drawing sheet for mouse, finger or stylus; keyboard: a free text box.")]
    public PenInput Input { get; init; } = PenInput.Pen;

    [Description("A pause longer than this (ms) between strokes or keystrokes ends the first word.")]
    [Range(100, 10_000)]
    public int FirstWordGapMs { get; init; } = 1000;

    [Description("A stroke that starts this far below the first word's top, in heights of that word, begins a new line and so ends the first word.")]
    [Range(0.5, 10)]
    public double NewLineHeights { get; init; } = 1.2;

    [Description("Show a button that clears the sheet (pen) — the cleared strokes stay in the log.")]
    public bool AllowClear { get; init; } = true;

    [Description("Show a 'done' button; without it the step ends after maxDurationSeconds.")]
    public bool ShowDone { get; init; } = true;

    [Description("The 'done' button is enabled only after this many seconds.")]
    [Range(0, 600)]
    public int MinDurationSeconds { get; init; } = 0;

    [Description("The step ends by itself after this many seconds; 0 means no limit.")]
    [Range(0, 3600)]
    public int MaxDurationSeconds { get; init; } = 0;

    [Description("Id of the questionnaire question that later asks for the first name (matched against what was written).")]
    public string FirstNameQuestion { get; init; } = "firstName";

    [Description("Id of the questionnaire question that later asks for the surname.")]
    public string SurnameQuestion { get; init; } = "surname";

    [GeneratedRegex(@"\bnamen?s?\b|\bname\b|\bnom\b", RegexOptions.IgnoreCase)]
    private static partial Regex MentionsName();

    public IEnumerable<(string Field, string Message)> Check(Experiment experiment)
    {
        if (!AllowNamesInInstruction)
            foreach (var (language, text) in Instruction)
                if (MentionsName().IsMatch(text))
                    yield return ($"instruction.{language}", "the instruction mentions names; it must stay neutral (e.g. 'try the pen') so that nothing primes the participant. For a condition that asks for names on purpose (a positive control), set \"allowNamesInInstruction\": true and give \"allowNamesReason\"");
        if (AllowNamesInInstruction && string.IsNullOrWhiteSpace(AllowNamesReason))
            yield return ("allowNamesReason", "allowNamesInInstruction is true, so say why the instruction may mention names (e.g. 'positive control'); the reason is shown by validate and in the report");
        if (!AllowNamesInInstruction && !string.IsNullOrWhiteSpace(AllowNamesReason))
            yield return ("allowNamesReason", "a reason is given but allowNamesInInstruction is not true; set it to true or remove the reason");
        if (!ShowDone && MaxDurationSeconds == 0)
            yield return ("maxDurationSeconds", "without a 'done' button the step needs a maximum duration to end");
        if (MaxDurationSeconds > 0 && MinDurationSeconds > MaxDurationSeconds)
            yield return ("minDurationSeconds", $"the minimum ({MinDurationSeconds} s) is longer than the maximum ({MaxDurationSeconds} s)");
        var questions = experiment.Steps.OfType<QuestionnaireStep>().SelectMany(q => q.Questions).Select(q => q.Id).ToHashSet();
        foreach (var (field, id) in new[] { ("firstNameQuestion", FirstNameQuestion), ("surnameQuestion", SurnameQuestion) })
            if (!questions.Contains(id))
                yield return (field, $"no questionnaire asks question '{id}', so what was written cannot be compared with the participant's name{DidYouMean.Phrase(DidYouMean.Nearest(id, questions))}");
    }

    public IEnumerable<(string Field, string Message)> Notices(Experiment experiment)
    {
        if (AllowNamesInInstruction)
            yield return ("allowNamesInInstruction", $"names are allowed in this pen instruction: {AllowNamesReason}");
    }
}
