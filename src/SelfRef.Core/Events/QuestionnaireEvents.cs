namespace SelfRef.Core.Events;

/// <summary>What a questionnaire page logs (wwwroot/js/steps/questionnaire.js): that an answer changes, never the answer.</summary>
public static class QuestionnaireEvents
{
    /// <param name="Question">the question's id.</param>
    public sealed record ChangeData(string Question);

    /// <param name="Length">the answer's length after the edit (the text itself is sent with the page, not logged).</param>
    public sealed record InputData(string Question, int? Length);

    /// <param name="Rank">position of the chosen suggestion (place questions).</param>
    public sealed record ChooseData(string Question, int? Rank);

    public static readonly IReadOnlyList<EventDeclaration> All =
    [
        EventDeclaration.Of<ChangeData>("answer.change", "A choice was changed."),
        EventDeclaration.Of<InputData>("answer.input", "A text, number or place answer was edited."),
        EventDeclaration.Of<ChooseData>("answer.choose", "A place was chosen from the suggestions."),
    ];
}
