namespace SelfRef.Core.Tasks.NameLetters;

/// <summary>
/// Whether the first letter picked is an initial of the participant's own first name or surname
/// (given later in the questionnaire; see <see cref="NameInitials"/> for what counts), and the
/// chance of that for this participant: the share of the letters shown that are their initials,
/// which is what a first pick at random would hit.
/// </summary>
public sealed class NameLettersClassification : ITaskDeriver
{
    public TaskOutcome Derive(TaskEvidence evidence) => Outcome(evidence);

    public static TaskOutcome Outcome(TaskEvidence evidence)
    {
        var step = (NameLettersStep)evidence.Step;
        var letters = NameLettersOutcome.Extract(evidence.Events);
        if (letters.FirstPick is not { } first) return TaskOutcome.Missing("no action");

        var latency = letters.LatencyMs;
        var pointer = first.Pointer;
        var shown = letters.Grid?.Letters.Distinct(StringComparer.Ordinal).ToList();
        TaskOutcome Described(TaskOutcome outcome) => outcome
            .With("first_letter", first.Letter)
            .With("letters_shown", shown?.Count)
            .With("picks", letters.Picked);

        if (shown is not null && !shown.Contains(first.Letter, StringComparer.Ordinal))
            return Described(TaskOutcome.Missing("the first letter picked is not among the letters shown", latency, pointer));
        var initials = NameInitials.Of(evidence.Answer(step.FirstNameQuestion), evidence.Answer(step.SurnameQuestion));
        if (initials.IsEmpty) return Described(TaskOutcome.Missing("no name given", latency, pointer));

        double? chance = shown is null || shown.Count == 0 ? null : shown.Count(l => initials.Initial(l) != InitialOf.None) / (double)shown.Count;
        if (chance == 0)
            return Described(TaskOutcome.Missing("no initial among the letters shown", latency, pointer)).With("chance", chance);

        var of = initials.Initial(first.Letter);
        var detail = of switch
        {
            InitialOf.FirstName => "initial of the first name",
            InitialOf.Surname => "initial of the surname",
            InitialOf.FirstName | InitialOf.Surname => "initial of first name and surname",
            _ => "not an initial",
        };
        return Described(new TaskOutcome(latency, of != InitialOf.None, null, detail, pointer)).With("chance", chance);
    }
}
