namespace SelfRef.Stats.Results;

/// <summary>Two coders' categories for one coded answer (e.g. a handwritten first word).</summary>
public sealed record CodingPair(string Item, string CoderA, string CoderB);
