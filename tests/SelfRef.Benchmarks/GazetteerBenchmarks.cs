using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using SelfRef.Core.Gazetteer;

namespace SelfRef.Benchmarks;

/// <summary>
/// The gazetteer's start-up (loading data/places.tsv into its name index and spatial grid) and
/// the queries the map task makes while a participant types and pans. Run by hand:
/// GazetteerBenchmarks.Run(args) from the program's entry, in Release. Figures: docs/benchmarks.md, "Gazetteer".
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 8)]
public class GazetteerBenchmarks
{
    private string _path = "";
    private Gazetteer _gazetteer = null!;

    public static void Run(string[] args) => BenchmarkRunner.Run<GazetteerBenchmarks>(args: args);

    [GlobalSetup]
    public void Setup()
    {
        _path = Environment.GetEnvironmentVariable("SELFREF_GAZETTEER") ?? Path.Combine(SelfRef.Tests.Support.Repository.Root, GazetteerFile.DefaultName);
        if (!File.Exists(_path)) throw new FileNotFoundException($"{_path} is missing: `dotnet build src/SelfRef.Web` makes it", _path);
        _gazetteer = Gazetteer.Load(_path);
    }

    /// <summary>What the server pays once at start (allocations include the file's text, which is not kept).</summary>
    [Benchmark]
    public Gazetteer Load() => Gazetteer.Load(_path);

    [Benchmark]
    public int SearchPrefix() => _gazetteer.Search("Münch", 8).Count;

    [Benchmark]
    public int SearchFuzzy() => _gazetteer.Search("Muenchn", 8).Count;

    [Benchmark]
    public int SearchOneLetter() => _gazetteer.Search("B", 8).Count;

    /// <summary>The second letter of a home town typed: still tens of thousands of names.</summary>
    [Benchmark]
    public int SearchTwoLetters() => _gazetteer.Search("Mü", 8).Count;

    [Benchmark]
    public int Nearest() => _gazetteer.Nearest(48.14, 11.58).Count;

    [Benchmark]
    public int LabelsWorld() => _gazetteer.LargestIn(-85, -180, 85, 180, 60, 30, 8, minPopulation: 300_000).Count;

    /// <summary>Europe at zoom 5 (PlacesEndpoints.MinPopulation(5) = 10,000; label spacing as the endpoint computes it there).</summary>
    [Benchmark]
    public int LabelsEurope() => _gazetteer.LargestIn(35, -12, 60, 30, 60, 4.4, 1.5, minPopulation: 10_000).Count;

    /// <summary>A town and its surroundings at zoom 10, where every village may be labelled.</summary>
    [Benchmark]
    public int LabelsMunichZoom10() => _gazetteer.LargestIn(47.9, 11.2, 48.4, 12.0, 60, 0.27, 0.06, minPopulation: 0).Count;

    [Benchmark]
    public int LabelsGermany() => _gazetteer.LargestIn(47, 5, 55, 15, 60, 1.2, 0.2, minPopulation: 3_000).Count;
}
