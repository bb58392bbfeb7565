using SelfRef.Core.Events;
using SelfRef.Core.Experiments;

namespace SelfRef.Core.Tasks.NameLetters;

/// <summary>
/// The name-letter task (Nuttin 1985) as one unit (see <see cref="TaskType"/>): parameters in
/// <see cref="NameLettersStep"/>, events in <see cref="NameLettersEvents"/>, outcome by
/// <see cref="NameLettersClassification"/> with the initials of <see cref="NameInitials"/>, synthetic
/// participant by <see cref="NameLettersScript"/>, page wwwroot/tasks/name-letters.js.
/// </summary>
public sealed class NameLettersTask() : TaskType("name-letters", typeof(NameLettersStep))
{
    public static readonly NameLettersTask Type = new();

    public override int RuleVersion => 1;

    // No reference proportion: the chance differs per participant (the Chance column), so the
    // report tests the count of own initials against the Poisson-binomial distribution instead.

    public override IReadOnlyList<EventDeclaration> Events(Step step) => NameLettersEvents.All;

    public override IReadOnlyList<OutcomeColumn> Columns { get; } =
    [
        new("chance", OutcomeColumnKind.Number, "Probability that the first letter picked is one of the participant's initials by chance: the share of the letters shown that are an initial of their first name or surname (each part of a double name; a surname's particles only as its first letter).", "probability", "between 0 and 1; empty without a grid; 0 when no initial was shown", Role: OutcomeColumnRole.Chance),
        new("first_letter", OutcomeColumnKind.Text, "The first letter picked, as shown. Most often an initial of the participant's name: identifies the participant.", "", "one letter of the step's letters; empty without a pick", Identifying: true),
        new("letters_shown", OutcomeColumnKind.Number, "How many letters the grid showed.", "letters", "whole number >= 2; empty without a grid"),
        new("picks", OutcomeColumnKind.Number, "How many letters were picked when the participant went on (letters let go again not counted).", "letters", "whole number >= 0"),
    ];

    public override Type Deriver => typeof(NameLettersClassification);

    public override string FirstAction(Step? step)
    {
        var letters = step is NameLettersStep s ? $"{s.LetterList().Count} letters ({s.Letters})" : "the step's letters";
        return $"First action: the first letter picked from a grid of {letters} in an order shuffled for each participant. " +
            "It is self-referential when it is an initial of the participant's first name or surname given later in the questionnaire; " +
            "each participant's chance of that is the share of the letters shown that are their initials. No pick means no first action (\"no action\").";
    }

    public override IReadOnlyList<string> IdentifyingQuestions(Step step) => [((NameLettersStep)step).FirstNameQuestion, ((NameLettersStep)step).SurnameQuestion];

    public override LocalizedText? Instruction(Step step) => ((NameLettersStep)step).Instruction;

    public override IReadOnlyList<ClientEvent> Simulate(Step step, TaskSimulation simulation) => NameLettersScript.Events((NameLettersStep)step, simulation);

    public override IReadOnlyDictionary<string, string> SimulatedAnswers(Step step, SimulatedPerson person) => NameLettersScript.Answers((NameLettersStep)step, person);
}
