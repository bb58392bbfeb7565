namespace SelfRef.Core.Experiments;

/// <summary>A text in every language of the experiment, keyed by language code ("de", "en").</summary>
public sealed class LocalizedText : Dictionary<string, string>
{
    public LocalizedText() : base(StringComparer.OrdinalIgnoreCase) { }

    public LocalizedText(IDictionary<string, string> texts) : base(texts, StringComparer.OrdinalIgnoreCase) { }

    /// <summary>The text in <paramref name="language"/>; the file's rules guarantee every declared language is present.</summary>
    public string In(string language) =>
        TryGetValue(language, out var text) ? text : Values.FirstOrDefault() ?? "";
}
