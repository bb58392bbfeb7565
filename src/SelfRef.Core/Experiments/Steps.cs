using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace SelfRef.Core.Experiments;

/// <summary>The forms of identifiers, in the words messages use instead of their patterns.</summary>
public static class IdWords
{
    public const string Lower = "1 to 64 lower-case letters (a–z), digits, hyphens and underscores, starting with a letter or digit, e.g. pen-1";
    public const string Question = "1 to 64 letters (a–z, A–Z), digits, hyphens and underscores, starting with a lower-case letter or digit, e.g. firstName";
}

/// <summary>A step of the participant's walk. The JSON property "type" picks the kind (see <see cref="StepTypes"/>).</summary>
public abstract record Step
{
    [Description("Identifier of the step, unique in the file; events and answers are stored under it.")]
    [RegularExpression("^[a-z0-9][a-z0-9_-]{0,63}$", ErrorMessage = IdWords.Lower)]
    public required string Id { get; init; }

    [Description("Heading shown above the step, per language. Omitted: no heading (a task step shows its instruction as its heading).")]
    public LocalizedText? Title { get; init; }

    [Description("Conditions in which this step is shown. Omitted: all.")]
    public List<string>? OnlyIn { get; init; }
}

public sealed record ConsentStep : Step
{
    [Description("The consent text, per language. Declining ends the session and stores nothing but the refusal.")]
    public required LocalizedText Text { get; init; }
}

public sealed record InstructionsStep : Step
{
    [Description("The instruction text, per language.")]
    public required LocalizedText Text { get; init; }
}

public sealed record DebriefStep : Step
{
    [Description("The debrief text, per language; the completion code is shown below it.")]
    public required LocalizedText Text { get; init; }
}

public sealed record QuestionnaireStep : Step
{
    [Description("Questions, asked on one page in this order.")]
    [MinLength(1)]
    public required List<Question> Questions { get; init; }
}

public enum QuestionType { Text, Number, Choice, Place }

public sealed record Question
{
    [Description("Identifier of the question; the answer is stored under it.")]
    [RegularExpression("^[a-z0-9][a-zA-Z0-9_-]{0,63}$", ErrorMessage = IdWords.Question)]
    public required string Id { get; init; }

    [Description("text, number, choice (one of the options) or place (a town picked from the gazetteer).")]
    public required QuestionType Type { get; init; }

    [Description("The question, per language.")]
    public required LocalizedText Label { get; init; }

    [Description("Whether the participant must answer before going on.")]
    public bool Required { get; init; } = true;

    [Description("Number questions: smallest accepted value. Omitted: no lower limit.")]
    public double? Min { get; init; }

    [Description("Number questions: largest accepted value. Omitted: no upper limit.")]
    public double? Max { get; init; }

    [Description("Text and place questions: longest accepted answer in characters.")]
    [Range(1, 10_000)]
    public int MaxLength { get; init; } = 200;

    [Description("Choice questions: the options, in the order shown (at least two). Omitted: only for questions of other types, which have none.")]
    public List<ChoiceOption>? Options { get; init; }

    [Description("Whether the answer identifies the participant (e.g. an e-mail address): it is then encrypted at rest, deleted when the retention ends and left out of exports. Questions a task uses for its own name or home town are identifying without this.")]
    public bool Identifying { get; init; }
}

public sealed record ChoiceOption
{
    [Description("Value stored when this option is chosen.")]
    public required string Value { get; init; }

    [Description("What the participant reads, per language.")]
    public required LocalizedText Label { get; init; }
}
