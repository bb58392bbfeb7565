using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using SelfRef.Core.Experiments;

namespace SelfRef.Core.Tasks.Pen;

public enum PenInput { Pen, Keyboard }

/// <summary>The pen task: a blank sheet and a pen; what does the participant write first?</summary>
public sealed record PenStep : Step
{
    public static readonly StepType Type = new("pen", typeof(PenStep), IsTask: true);

    [Description("Neutral instruction shown above the sheet, per language (e.g. 'try the pen'); it must not mention names.")]
    public required LocalizedText Instruction { get; init; }

    [Description("pen: a drawing sheet for mouse, finger or stylus; keyboard: a free text box.")]
    public PenInput Input { get; init; } = PenInput.Pen;

    [Description("A pause longer than this (ms) ends the first word.")]
    [Range(100, 10_000)]
    public int FirstWordGapMs { get; init; } = 1000;
}
