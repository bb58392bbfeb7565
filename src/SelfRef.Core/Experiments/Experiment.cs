using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SelfRef.Core.Experiments;

/// <summary>
/// One experiment file. The JSON Schema published at experiments/experiment.schema.json is
/// generated from these records, so what is declared here is the file format.
/// </summary>
public sealed record Experiment
{
    [JsonPropertyName("$schema")]
    [Description("Where editors find this schema (\"./experiment.schema.json\"); ignored when loading. Omitted: editors offer no completion, nothing else changes.")]
    public string? Schema { get; init; }

    [Description("Identifier used in links (/s/{id}); lower-case letters, digits and hyphens.")]
    [RegularExpression("^[a-z0-9][a-z0-9-]{1,63}$", ErrorMessage = "2 to 64 lower-case letters (a–z), digits and hyphens, starting with a letter or digit, e.g. gallup-pen")]
    public required string Id { get; init; }

    [Description("Title shown to participants and researchers, per language.")]
    public required LocalizedText Title { get; init; }

    [Description("Languages the experiment is offered in, as BCP 47 language tags (e.g. en, de, fr, pt-BR); the first is the default. Every text must exist in each. The page's own words (buttons, messages) come from translations/<tag>.json; for a language without that file they are shown in English.")]
    [MinLength(1)]
    public required List<string> Languages { get; init; }

    [Description("The steps every participant walks, in order (a condition may reorder or filter them).")]
    [MinLength(1)]
    public required List<Step> Steps { get; init; }

    [Description("Between-subject conditions; participants are assigned in balanced, seeded blocks. Empty means one condition named 'default'.")]
    public List<Condition> Conditions { get; init; } = [];

    [Description("Number of completed participants the study aims for.")]
    [Range(1, 1_000_000)]
    public int TargetSampleSize { get; init; } = 500;

    [Description("Labels that group the study on the researcher dashboard, where a tag filters the list (e.g. \"pilot\", \"lab-2026\"). Never shown to participants. Omitted: none.")]
    public List<string> Tags { get; init; } = [];

    [Description("How participants arrive and leave: URL parameters recorded, completion code, redirect.")]
    public Recruitment Recruitment { get; init; } = new();

    [Description("Reference proportions of self-referential first actions per task type that the report tests against (default: pen 0.96, map 0.894, the Gallup figures).")]
    public Dictionary<string, double> References { get; init; } = [];

    [Description("How conditions are assigned.")]
    public Assignment Assignment { get; init; } = new();

    [Description("How long identifying data (name, home town, recruitment ids) is kept, and whom participants contact about it.")]
    public PrivacySettings Privacy { get; init; } = new();

    /// <summary>The conditions, with the implicit single condition when the file names none.</summary>
    [JsonIgnore]
    public IReadOnlyList<Condition> EffectiveConditions =>
        Conditions.Count > 0 ? Conditions : [Condition.Default];
}

public sealed record Condition
{
    public static readonly Condition Default = new() { Id = "default" };

    [Description("Identifier of the condition, stored with every session assigned to it.")]
    [RegularExpression("^[a-z0-9][a-z0-9_-]{0,63}$", ErrorMessage = IdWords.Lower)]
    public required string Id { get; init; }

    [Description("Order of the steps in this condition, as step ids; must list every step that applies to it. Omitted: the file's order.")]
    public List<string>? Order { get; init; }
}

public sealed record Recruitment
{
    [Description("URL parameters of the participant link that are recorded with the session (e.g. PROLIFIC_PID).")]
    public List<string> Parameters { get; init; } = ["PROLIFIC_PID", "STUDY_ID", "SESSION_ID"];

    [Description("Completion code shown at the debrief (e.g. Prolific's study code). Omitted: each participant gets a personal code.")]
    public string? CompletionCode { get; init; }

    [Description("Where the debrief sends the participant once every event is stored; {code} is replaced by the completion code and {PARAM} by a recorded URL parameter. Omitted: the debrief shows the code and the participant closes the page.")]
    public string? RedirectUrl { get; init; }
}

public sealed record Assignment
{
    [Description("Seed of the balanced block randomisation; the same seed and arrival order give the same assignments.")]
    public int Seed { get; init; } = 1;

    [Description("Minutes without any sign of life after which an unfinished session's condition slot is given to the next participant.")]
    [Range(1, 10_080)]
    public int AbandonAfterMinutes { get; init; } = 60;

    [Description("Minutes a new session may stay on the consent step before its condition slot is given to the next participant (a link opened and left, or opened by a script, holds no slot for long). A participant who consents later still goes on and gets a slot then.")]
    [Range(1, 10_080)]
    public int ConsentWithinMinutes { get; init; } = 10;
}
