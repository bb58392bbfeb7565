using System.Text.Json;

namespace SelfRef.Core.Languages;

/// <summary>
/// The participant pages' own words (buttons, messages), one JSON file per language
/// (translations/fr.json: { "key": "text" }), read from the shipped folder and any extra folders
/// a researcher adds. English is the reference: its keys are every key there is, and a key or
/// language without a translation is shown in English.
/// </summary>
public sealed class Translations
{
    public const string Reference = "en";
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _files;
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _complete = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    private Translations(Dictionary<string, IReadOnlyDictionary<string, string>> files)
    {
        _files = files;
        if (!_files.ContainsKey(Reference))
            throw new InvalidDataException($"no {Reference}.json among the translation files: English is every other language's fallback and cannot be missing");
        Keys = [.. _files[Reference].Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>Every key (those of en.json).</summary>
    public IReadOnlyList<string> Keys { get; }

    /// <summary>Languages that have a file, as their files are named.</summary>
    public IEnumerable<string> Languages => _files.Keys.Order(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Reads *.json of each folder in order; a later folder's file adds keys to or replaces keys of
    /// an earlier one of the same language. A folder that does not exist is passed over (the extra
    /// folder is optional); a file that is not a flat object of strings is an error naming it.
    /// </summary>
    public static Translations Load(params IEnumerable<string?> folders)
    {
        var files = new Dictionary<string, Dictionary<string, string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var folder in folders)
        {
            if (folder is null || !Directory.Exists(folder)) continue;
            foreach (var file in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
            {
                var language = Path.GetFileNameWithoutExtension(file);
                if (!LanguageTags.IsWellFormed(language))
                    throw new InvalidDataException($"{file}: the file name must be a language tag ({LanguageTags.Words}), e.g. fr.json");
                var texts = Read(file);
                if (!files.TryGetValue(language, out var merged)) files[language] = merged = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (key, text) in texts) merged[key] = text;
            }
        }
        return new Translations(files.ToDictionary(f => f.Key, f => (IReadOnlyDictionary<string, string>)f.Value, StringComparer.OrdinalIgnoreCase));
    }

    private static Dictionary<string, string> Read(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            return JsonSerializer.Deserialize<Dictionary<string, string>>(stream, new JsonSerializerOptions { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
                ?? throw new InvalidDataException($"{file}: expected an object of texts, found null");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, column {e.BytePositionInLine + 1})" : "";
            throw new InvalidDataException($"{file}: not a translation file{where}: expected one JSON object whose values are texts, e.g. {{ \"button.continue\": \"Continuer\" }}");
        }
    }

    /// <summary>The file that serves a language: its own, else that of a shorter tag (pt-BR → pt); null when none.</summary>
    public string? FileLanguage(string language) =>
        LanguageTags.Fallbacks(language).FirstOrDefault(_files.ContainsKey) is { } found ? _files.Keys.First(k => k.Equals(found, StringComparison.OrdinalIgnoreCase)) : null;

    /// <summary>Keys the language's file (or its shorter tag's) lacks; every key when it has no file.</summary>
    public IReadOnlyList<string> Missing(string language)
    {
        var texts = LanguageTags.Fallbacks(language).Where(_files.ContainsKey).Select(l => _files[l]).ToList();
        return Keys.Where(k => !texts.Any(t => t.TryGetValue(k, out var text) && !string.IsNullOrWhiteSpace(text))).ToList();
    }

    /// <summary>Every key in the language: its own text, else its shorter tag's, else English.</summary>
    public IReadOnlyDictionary<string, string> All(string language)
    {
        lock (_lock)
        {
            if (_complete.TryGetValue(language, out var done)) return done;
            var chain = LanguageTags.Fallbacks(language).Append(Reference).Where(_files.ContainsKey).Select(l => _files[l]).ToList();
            var all = Keys.ToDictionary(k => k, k => chain.Select(t => t.GetValueOrDefault(k)).FirstOrDefault(text => !string.IsNullOrWhiteSpace(text)) ?? k, StringComparer.Ordinal);
            _complete[language] = all;
            return all;
        }
    }

    public string Get(string language, string key) => All(language).GetValueOrDefault(key) ?? key;
}
