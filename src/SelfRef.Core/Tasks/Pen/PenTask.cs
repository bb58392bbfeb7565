using SelfRef.Core.Events;
using SelfRef.Core.Experiments;

namespace SelfRef.Core.Tasks.Pen;

/// <summary>The pen task as one unit (see <see cref="TaskType"/>): parameters in <see cref="PenStep"/>, events in <see cref="PenEvents"/>, outcome by <see cref="PenClassification"/>, synthetic participant by <see cref="PenScript"/>.</summary>
public sealed class PenTask() : TaskType("pen", typeof(PenStep))
{
    public static readonly PenTask Type = new();

    public override int RuleVersion => 3;

    // Gallup: 96 % of 500 students handed a pen first wrote their own name.
    public override double? ReferenceProportion => 0.96;

    public override IReadOnlyList<EventDeclaration> Events(Step step) => ((PenStep)step).Input == PenInput.Keyboard ? PenEvents.Keyboard : PenEvents.Handwriting;

    public override IReadOnlyList<OutcomeColumn> Columns { get; } =
    [
        new("first_word_strokes", OutcomeColumnKind.Number, "Handwriting: strokes of the first word (until the first pause longer than firstWordGapMs or a new line).", "strokes", "whole number >= 1; empty for typing or a blank sheet"),
        new("first_word_ms", OutcomeColumnKind.Number, "Time from the first word's first to its last stroke or key.", "ms", "number >= 0; empty when nothing was written"),
        new("word_end", OutcomeColumnKind.Text, "What ended the first word.", "", "pause, new line, end of writing; empty when nothing was written"),
    ];

    public override Type Deriver => typeof(PenClassification);

    public override string FirstAction(Step? step)
    {
        var pen = step as PenStep;
        var gap = pen is null ? "a pause longer than the step's firstWordGapMs (default 1,000 ms)" : FormattableString.Invariant($"a pause longer than {pen.FirstWordGapMs:#,0} ms");
        const string handwriting = "human coders judge whether it is the participant's own first name, surname or both (shown beside the name given later), an answer counting when they agree";
        const string typing = "it is matched automatically against the name given later in the questionnaire (case, diacritics and ß/ss normalised; fuzzy Jaro–Winkler match; first name, surname, full name or initials count)";
        var how = pen?.Input switch
        {
            PenInput.Pen => $"Handwriting: {handwriting}.",
            PenInput.Keyboard => $"Typing: {typing}.",
            _ => $"Handwriting: {handwriting}; typing (the keyboard variant): {typing}.",
        };
        return $"First action: the first stroke (or keystroke) on the blank sheet; the first thing written is what came until {gap}, a new line or the end of writing. " +
            $"It is self-referential when it is the participant's own name. {how} A sheet left blank has no first action (\"no action\").";
    }

    public override IReadOnlyList<string> IdentifyingQuestions(Step step) => [((PenStep)step).FirstNameQuestion, ((PenStep)step).SurnameQuestion];

    public override LocalizedText? Instruction(Step step) => ((PenStep)step).Instruction;

    public override bool NeedsCoding(Step step) => ((PenStep)step).Input == PenInput.Pen;

    public override string? WrittenText(Step step, IReadOnlyList<StoredEvent> events)
    {
        if (((PenStep)step).Input != PenInput.Keyboard) return null;
        var last = events.LastOrDefault(e => e.Type == "text.input" && e.DataJson is not null);
        if (last is null) return null;
        using var data = System.Text.Json.JsonDocument.Parse(last.DataJson!);
        return data.RootElement.TryGetProperty("text", out var text) ? text.GetString() : null;
    }

    public override string? ReplayModule(Step step) => ((PenStep)step).Input == PenInput.Pen ? "/js/pen-replay.js" : null;

    public override string? ReplayDataName(Step step) => ((PenStep)step).Input == PenInput.Pen ? PenReplay.DataName : null;

    public override object? ReplayData(Step step, IReadOnlyList<StoredEvent> events) =>
        ((PenStep)step).Input == PenInput.Pen ? PenReplay.Data((PenStep)step, events) : null;

    public override IReadOnlyList<ClientEvent> Simulate(Step step, TaskSimulation simulation) => PenScript.Events((PenStep)step, simulation);

    public override IReadOnlyDictionary<string, string> SimulatedAnswers(Step step, SimulatedPerson person) => PenScript.Answers((PenStep)step, person);
}
