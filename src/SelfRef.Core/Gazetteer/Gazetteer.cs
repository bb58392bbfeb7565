using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SelfRef.Core.Gazetteer;

/// <summary>
/// The places of the world with 500 or more inhabitants (GeoNames cities500, CC BY 4.0), held in
/// memory as columns of numbers plus a sorted name index and a spatial grid: search by any name
/// (diacritic- and umlaut-insensitive, prefix, fuzzy), reverse look-up, places in a view.
/// Immutable after loading, so one instance serves every request.
/// </summary>
public sealed partial class Gazetteer
{
    /// <summary>Credit the data source wherever places are shown (CC BY 4.0 requires it).</summary>
    public const string Attribution = "Places: GeoNames (geonames.org), CC BY 4.0";

    private readonly int[] _id;
    private readonly float[] _lat, _lon;
    private readonly int[] _population;
    private readonly string[] _name;
    // Feature codes, countries and first-order divisions repeat endlessly: one string each, shared.
    private readonly string[] _feature, _country, _admin1;
    private readonly Dictionary<int, int> _byId;
    private readonly int[] _byPopulation;
    // Each place's position in _byPopulation.
    private readonly int[] _rank;
    private readonly NameIndex _names;
    private readonly SpatialGrid _grid;

    private Gazetteer(List<Row> rows, NameIndex names)
    {
        var n = rows.Count;
        _id = new int[n]; _lat = new float[n]; _lon = new float[n]; _population = new int[n];
        _name = new string[n]; _feature = new string[n]; _country = new string[n]; _admin1 = new string[n];
        _byId = new Dictionary<int, int>(n);
        for (var i = 0; i < n; i++)
        {
            var r = rows[i];
            (_id[i], _lat[i], _lon[i], _population[i], _name[i], _feature[i], _country[i], _admin1[i]) =
                (r.Id, r.Lat, r.Lon, r.Population, r.Name, r.Feature, r.Country, r.Admin1);
            _byId[r.Id] = i;
        }
        _byPopulation = Enumerable.Range(0, n).OrderByDescending(i => _population[i]).ThenBy(i => _id[i]).ToArray();
        _rank = new int[n];
        for (var r = 0; r < n; r++) _rank[_byPopulation[r]] = r;
        _names = names;
        _grid = new SpatialGrid(_lat, _lon, _byPopulation);
    }

    public int Count => _id.Length;

    /// <summary>Number of names (main and alternate) in the search index.</summary>
    public int NameCount => _names.Count;

    public Place? Find(int id) => _byId.TryGetValue(id, out var i) ? PlaceAt(i) : null;

    private Place PlaceAt(int i) =>
        new(_id[i], _name[i], Math.Round(_lat[i], 5), Math.Round(_lon[i], 5), _feature[i], _country[i], _admin1[i], _population[i]);

    private readonly record struct Row(int Id, string Name, float Lat, float Lon, string Feature, string Country, string Admin1, int Population);

    /// <summary>Reads data/places.tsv as written by the build (src/SelfRef.Web/build/gazetteer.mjs).</summary>
    public static Gazetteer Load(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
        return Load(reader);
    }

    public static Gazetteer Load(TextReader reader)
    {
        var rows = new List<Row>(200_000);
        var names = new NameIndex.Builder();
        var shared = new Dictionary<string, string>();
        string Share(ReadOnlySpan<char> s)
        {
            var lookup = shared.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(s, out var known)) return known;
            var made = s.ToString();
            shared[made] = made;
            return made;
        }
        var textOfKey = new Dictionary<string, string>();
        Span<Range> fields = stackalloc Range[10];
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var span = line.AsSpan();
            if (span.Split(fields, '\t') != 9) throw new InvalidDataException($"gazetteer line {lineNumber}: expected 9 tab-separated fields");
            var place = rows.Count;
            var name = span[fields[1]].ToString();
            rows.Add(new Row(
                int.Parse(span[fields[0]], CultureInfo.InvariantCulture),
                name,
                float.Parse(span[fields[2]], CultureInfo.InvariantCulture),
                float.Parse(span[fields[3]], CultureInfo.InvariantCulture),
                Share(span[fields[4]]),
                Share(span[fields[5]]),
                Share(span[fields[6]]),
                int.Parse(span[fields[7]], CultureInfo.InvariantCulture)));
            // Names that share a key ("Muenchen", "Munchen", "München") are stored once, in the
            // form that keeps its diacritics, since that is the one to show.
            textOfKey.Clear();
            textOfKey[PlaceNames.Key(name)] = name;
            foreach (var part in span[fields[8]].Split(','))
            {
                var alternate = span[fields[8]][part];
                if (alternate.Length == 0) continue;
                var key = PlaceNames.Key(alternate);
                if (!textOfKey.TryGetValue(key, out var known) || (known != name && NonAscii(alternate) > NonAscii(known)))
                    textOfKey[key] = alternate.ToString();
            }
            foreach (var (key, text) in textOfKey) names.Add(place, text, key);
        }
        if (rows.Count == 0) throw new InvalidDataException("the gazetteer file holds no places");
        return new Gazetteer(rows, names.Build());
    }

    private static int NonAscii(ReadOnlySpan<char> text)
    {
        var count = 0;
        foreach (var c in text) if (c > 127) count++;
        return count;
    }

    /// <summary>How long loading took and how much managed memory it kept, for the start-up log.</summary>
    public static (Gazetteer Gazetteer, TimeSpan Elapsed, long Bytes) LoadMeasured(string path)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var watch = Stopwatch.StartNew();
        var gazetteer = Load(path);
        var elapsed = watch.Elapsed;
        return (gazetteer, elapsed, GC.GetTotalMemory(forceFullCollection: true) - before);
    }
}
