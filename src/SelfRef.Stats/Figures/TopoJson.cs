using System.Text.Json;

namespace SelfRef.Stats.Figures;

/// <summary>A point in degrees.</summary>
public readonly record struct LonLat(double Lon, double Lat);

/// <summary>
/// Polygon rings from a TopoJSON topology (e.g. Natural Earth's <c>world-atlas</c> countries-110m.json).
/// Arcs are shared line pieces; when the topology has a <c>transform</c> they are quantized and
/// delta-encoded (each position after the first is the difference to the previous one, and
/// <c>lon = x·scale₀ + translate₀</c>, <c>lat = y·scale₁ + translate₁</c>). A ring lists arc indices;
/// a negative index <c>i</c> means arc <c>~i</c> (that is −i−1) reversed, and consecutive arcs share
/// their end point, which appears once in the ring.
/// </summary>
public static class TopoJson
{
    /// <summary>Every ring of every polygon and multipolygon of the topology's objects (or of the one named).</summary>
    public static IReadOnlyList<IReadOnlyList<LonLat>> Rings(string json, string? objectName = null)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (!root.TryGetProperty("type", out var type) || type.GetString() != "Topology")
            throw new FormatException("not a TopoJSON topology (\"type\": \"Topology\" missing)");
        var arcs = DecodeArcs(root);
        var rings = new List<IReadOnlyList<LonLat>>();
        foreach (var obj in root.GetProperty("objects").EnumerateObject())
            if (objectName is null || obj.Name == objectName)
                CollectRings(obj.Value, arcs, rings);
        return rings;
    }

    public static IReadOnlyList<IReadOnlyList<LonLat>> ReadRings(string path, string? objectName = null) =>
        Rings(File.ReadAllText(path), objectName);

    private static List<LonLat[]> DecodeArcs(JsonElement root)
    {
        double sx = 1, sy = 1, tx = 0, ty = 0;
        var quantized = root.TryGetProperty("transform", out var transform) && transform.ValueKind == JsonValueKind.Object;
        if (quantized)
        {
            var scale = transform.GetProperty("scale");
            var translate = transform.GetProperty("translate");
            (sx, sy) = (scale[0].GetDouble(), scale[1].GetDouble());
            (tx, ty) = (translate[0].GetDouble(), translate[1].GetDouble());
        }
        var arcs = new List<LonLat[]>();
        foreach (var arc in root.GetProperty("arcs").EnumerateArray())
        {
            var points = new LonLat[arc.GetArrayLength()];
            double x = 0, y = 0;
            var i = 0;
            foreach (var position in arc.EnumerateArray())
            {
                if (quantized)
                {
                    x += position[0].GetDouble();
                    y += position[1].GetDouble();
                    points[i++] = new LonLat(x * sx + tx, y * sy + ty);
                }
                else points[i++] = new LonLat(position[0].GetDouble(), position[1].GetDouble());
            }
            arcs.Add(points);
        }
        return arcs;
    }

    private static void CollectRings(JsonElement geometry, List<LonLat[]> arcs, List<IReadOnlyList<LonLat>> rings)
    {
        switch (geometry.TryGetProperty("type", out var type) ? type.GetString() : null)
        {
            case "GeometryCollection":
                foreach (var g in geometry.GetProperty("geometries").EnumerateArray()) CollectRings(g, arcs, rings);
                break;
            case "Polygon":
                foreach (var ring in geometry.GetProperty("arcs").EnumerateArray()) rings.Add(Ring(ring, arcs));
                break;
            case "MultiPolygon":
                foreach (var polygon in geometry.GetProperty("arcs").EnumerateArray())
                    foreach (var ring in polygon.EnumerateArray()) rings.Add(Ring(ring, arcs));
                break;
            // Points and lines are no outlines; a null geometry has no type.
        }
    }

    private static List<LonLat> Ring(JsonElement indices, List<LonLat[]> arcs)
    {
        var ring = new List<LonLat>();
        foreach (var index in indices.EnumerateArray())
        {
            var i = index.GetInt32();
            var arc = arcs[i >= 0 ? i : ~i];
            var count = arc.Length;
            // The first point of every arc after the first repeats the last point of the one before.
            for (var k = ring.Count == 0 ? 0 : 1; k < count; k++)
                ring.Add(arc[i >= 0 ? k : count - 1 - k]);
        }
        return ring;
    }
}
