namespace SelfRef.Core.Events;

/// <summary>
/// An event a step's page may log: its type, the record its data must match (checked on arrival,
/// see <see cref="DataShape"/>), and which of its fields can identify the participant (sealed
/// under the session's identifier key, destroyed when retention ends).
/// </summary>
public sealed record EventDeclaration(string Type, DataShape Shape, IReadOnlyList<string> Identifying, string Description)
{
    public static EventDeclaration Of<TData>(string type, string description, params string[] identifying) where TData : class =>
        new(type, DataShape.Of(typeof(TData)), identifying, description);
}
