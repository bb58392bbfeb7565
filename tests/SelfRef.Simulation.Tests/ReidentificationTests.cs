using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SelfRef.Core.Gazetteer;
using SelfRef.Core.Sessions;
using SelfRef.Simulation.Participants;
using SelfRef.Stats.Export;
using SelfRef.Tests.Support;
using Xunit.Abstractions;

namespace SelfRef.Simulation.Tests;

/// <summary>
/// Tries to find the participants' home towns in a de-identified export the way an attacker
/// would: a simulated map study (most first targets are the home town) is exported without
/// identifiers in every format, and every pair of numbers that could be a latitude and a
/// longitude and every place name near a home town, anywhere in any file (cells, nested JSON,
/// text), is checked against each participant's home town.
/// </summary>
public sealed partial class ReidentificationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const double RadiusKm = 25;

    // Retention would strip the outcomes itself: keep it from running, so the export is what is tested.
    private readonly SelfRefFactory _factory = new() { Settings = { ["SelfRef:StartsPerAddress"] = "0", ["SelfRef:RetentionCheckSeconds"] = "86400" } };
    private readonly string _folder = Directory.CreateTempSubdirectory("selfref-reid-").FullName;
    private Uri _baseUrl = null!;

    public Task InitializeAsync()
    {
        _baseUrl = new Uri(_factory.StartOnKestrel());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_de_identified_export_of_a_map_study_places_no_one_near_their_home_town()
    {
        var gazetteer = GazetteerFile.Shared(GazetteerFile.Locate());
        var result = await Simulator.RunAsync(new SimulationOptions
        {
            BaseUrl = _baseUrl, ExperimentId = "gallup-map", Participants = 40, Concurrency = 8, Seed = 1515,
            Behaviour = new Behaviour { DropOut = 0, Decline = 0 }.WithSelfReference("map", 0.9),
        }, gazetteer);
        Assert.Empty(result.Errors);
        var homes = result.Sessions.Where(s => s.End == SessionEnd.Completed).Select(s => s.Participant.HomeTown).ToList();
        Assert.True(homes.Count >= 35, $"only {homes.Count} of 40 simulated participants completed");
        // The names a reader could find each home town by: its own and every place's within the radius.
        var homesByName = homes.SelectMany(home => gazetteer.Nearest(home.Lat, home.Lon, 400)
                .Where(p => p.DistanceKm <= RadiusKm).Select(p => p.Place.Name).Append(home.Name)
                .Where(name => name.Length >= 4).Select(name => (Name: name, Home: home)))
            .GroupBy(n => n.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Select(n => n.Home.Name).Distinct().ToList(), StringComparer.OrdinalIgnoreCase);
        // One pattern for all names, longest first, each a whole word.
        var placeNames = new Regex($@"(?<!\p{{L}})(?:{string.Join("|", homesByName.Keys.OrderByDescending(n => n.Length).Select(Regex.Escape))})(?!\p{{L}})",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        var history = _factory.Services.GetRequiredService<SessionService>().History("gallup-map")!;
        var found = new List<string>();
        foreach (var format in Enum.GetValues<ExportFormat>())
        {
            var folder = Path.Combine(_folder, format.Name());
            ExperimentExport.Write(ExportSource.From(history, _factory.Store), new ExportOptions(format, IncludeIdentifiers: false, DateTime.UtcNow), path =>
            {
                var full = Path.Combine(folder, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                return File.Create(full);
            });
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            {
                var name = $"{format.Name()}/{Path.GetRelativePath(folder, file)}";
                var text = File.ReadAllText(file);
                Assert.DoesNotContain("$numberLong", text);
                Assert.DoesNotContain("$date", text);
                // A record is a line (a CSV row, a JSON object); small JSON and Markdown files count as one record.
                var records = file.EndsWith(".csv") || file.EndsWith(".jsonl") ? text.Split('\n') : [text];
                for (var r = 0; r < records.Length; r++)
                {
                    var numbers = Numbers(records[r]);
                    foreach (var home in homes)
                        if (NearPair(numbers, home) is { } pair)
                            found.Add($"{name} record {r + 1}: ({pair.Lat}, {pair.Lon}) lies within {RadiusKm} km of a participant's home town {home.Name}: {Clip(records[r])}");
                    foreach (Match place in placeNames.Matches(records[r]))
                        found.Add($"{name} record {r + 1}: names '{place.Value}', within {RadiusKm} km of a participant's home town {string.Join(" / ", homesByName[place.Value])}");
                }
            }
        }
        foreach (var group in found.GroupBy(f => f.Split(' ')[0])) output.WriteLine($"{group.Key}: {group.Count()} findings, e.g. {group.First()}");
        Assert.True(found.Count == 0, $"the de-identified export gives away home towns ({found.Count} findings), e.g.:\n{string.Join("\n", found.Take(8))}");
    }

    /// <summary>
    /// Every number written in the text with a fraction, plain or signed, also inside JSON strings;
    /// not digits inside words, ids or hashes, and not the parts of a timestamp. Whole numbers are
    /// counts, indexes and flags (an event's n, a task's order): as degrees they are a 110 km grid
    /// and land within 25 km of a town only by coincidence (an event numbered 51 beside a zoom of
    /// 11.3 "is" Erfurt), while any coordinate a browser or the server writes has decimals.
    /// </summary>
    private static List<double> Numbers(string record) =>
        NumberPattern().Matches(Timestamp().Replace(record, " "))
            .Where(m => m.Value.Contains('.') || m.Value.Contains('e') || m.Value.Contains('E'))
            .Select(m => double.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    /// <summary>A pair of numbers of the record, taken as latitude and longitude in either order, that lies within the radius of the home town.</summary>
    private static (double Lat, double Lon)? NearPair(List<double> numbers, Place home)
    {
        for (var i = 0; i < numbers.Count; i++)
        for (var j = 0; j < numbers.Count; j++)
        {
            if (i == j || Math.Abs(numbers[i]) > 90 || Math.Abs(numbers[j]) > 180) continue;
            if (GreatCircle.DistanceKm(numbers[i], numbers[j], home.Lat, home.Lon) <= RadiusKm) return (numbers[i], numbers[j]);
        }
        return null;
    }

    private static string Clip(string text) => text.Length > 300 ? text[..300] + "…" : text;

    [GeneratedRegex(@"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w])")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?")]
    private static partial Regex Timestamp();
}
