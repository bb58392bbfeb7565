namespace SelfRef.Core.Tasks;

public enum OutcomeColumnKind { Number, Text, Boolean }

/// <summary>What a column means to analyses that are not the task's own (figures, the report): read by role, never by task name.</summary>
public enum OutcomeColumnRole
{
    None,
    /// <summary>Distance in km from what was done first to the participant's own place.</summary>
    DistanceKm,
    TargetLatitude,
    TargetLongitude,
    HomeLatitude,
    HomeLongitude,
    /// <summary>The probability that the first action is self-referential by chance alone, for this participant (0..1).</summary>
    Chance,
}

/// <summary>A column a task type adds to the outcome table, with its codebook entry.</summary>
/// <param name="Name">snake_case, as R and pandas read it.</param>
/// <param name="Values">the values it takes, in words (e.g. "number >= 0; empty when no home town was given").</param>
/// <param name="Identifying">whether it points at the participant (a place, coordinates): left out of de-identified exports and dropped when retention ends.</param>
public sealed record OutcomeColumn(string Name, OutcomeColumnKind Kind, string Description, string Unit = "", string Values = "", bool Identifying = false, OutcomeColumnRole Role = OutcomeColumnRole.None);
