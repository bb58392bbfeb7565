using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace SelfRef.Core.Experiments;

/// <summary>When the identifying data of a finished session (name, home town, recruitment ids, typed text) is deleted.</summary>
public enum IdentifierRetention { AfterOutcome, AfterCoding, AfterDays }

/// <summary>How long identifying data is kept and whom participants ask about it.</summary>
public sealed record PrivacySettings
{
    [Description("When a finished session's identifying data is deleted: afterOutcome (as soon as its task outcomes are computed), afterCoding (once every handwritten answer has an agreed code from 'coders' coders), afterDays ('days' after the session ended). Omitted: afterCoding when a task step is coded by hand (handwriting), else afterOutcome. The outcomes are kept (match result, distance, latency), never the name or home town.")]
    public IdentifierRetention? DeleteIdentifiers { get; init; }

    [Description("afterDays: days after the end of a session until its identifying data is deleted. In every mode also how long a session that was abandoned (never finished) keeps it, counted from its last sign of life.")]
    [Range(1, 3650)]
    public int Days { get; init; } = 30;

    [Description("How many coders must give a handwritten answer the same code before that code is final: until then the answer counts as missing in the outcome table and the report; when enough coders coded and too few agree, an owner adjudicates. afterCoding deletes identifiers once every answer is final. Default 2 (blind double coding).")]
    [Range(1, 10)]
    public int Coders { get; init; } = 2;

    [Description("Who participants contact about their data (name, address, e-mail), per language; shown on the privacy page. Omitted: the page asks participants to contact the researchers who invited them.")]
    public LocalizedText? Contact { get; init; }

    /// <summary>The retention in force: the file's, or the default for its tasks.</summary>
    public IdentifierRetention Effective(Experiment experiment) =>
        DeleteIdentifiers ?? (experiment.Steps.Any(step => StepTypes.TaskOf(step)?.NeedsCoding(step) == true) ? IdentifierRetention.AfterCoding : IdentifierRetention.AfterOutcome);
}
