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

    [Benchmark]
    public int Nearest() => _gazetteer.Nearest(48.14, 11.58).Count;

    [Benchmark]
    public int LabelsWorld() => _gazetteer.LargestIn(-85, -180, 85, 180, 60, 30, 8, minPopulation: 300_000).Count;

    [Benchmark]
    public int LabelsGermany() => _gazetteer.LargestIn(47, 5, 55, 15, 60, 1.2, 0.2, minPopulation: 3_000).Count;
}
