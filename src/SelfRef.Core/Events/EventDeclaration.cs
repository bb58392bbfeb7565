namespace SelfRef.Core.Events;

/// <summary>What a coordinate field of an event holds: one latitude, one longitude, or a box [south, west, north, east].</summary>
public enum CoordinateAxis { Latitude, Longitude, Bounds }

/// <summary>A field of an event's data that holds a place on earth as degrees (WGS 84).</summary>
public sealed record CoordinateField(string Field, CoordinateAxis Axis);

/// <summary>
/// An event a step's page may log: its type, the record its data must match (checked on arrival,
/// see <see cref="DataShape"/>), and which of its fields can identify the participant (sealed
/// under the session's identifier key, destroyed when retention ends, left out of de-identified
/// exports). <see cref="Coordinates"/> says which of those fields are coordinates: a
/// de-identified export may keep them rounded to a coarse grid (see <see cref="Privacy.CoarseGrid"/>).
/// </summary>
public sealed record EventDeclaration(string Type, DataShape Shape, IReadOnlyList<string> Identifying, string Description)
{
    /// <summary>The identifying fields that are coordinates (each also in <see cref="Identifying"/>).</summary>
    public IReadOnlyList<CoordinateField> Coordinates { get; init; } = [];

    public static EventDeclaration Of<TData>(string type, string description, params string[] identifying) where TData : class =>
        new(type, DataShape.Of(typeof(TData)), identifying, description);

    /// <summary>This event with coordinate fields: a place the participant singled out identifies them (it is most often their home).</summary>
    public EventDeclaration WithCoordinates(params CoordinateField[] fields) => this with
    {
        Identifying = Identifying.Concat(fields.Select(f => f.Field)).Distinct(StringComparer.Ordinal).ToList(),
        Coordinates = fields,
    };
}
