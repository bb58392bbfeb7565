using System.Text.Json;
using System.Text.RegularExpressions;
using SelfRef.Core.Experiments;
using SelfRef.Core.Languages;
using SelfRef.Web.Hosting;
using SelfRef.Web.Participant;

namespace SelfRef.Web.Tests;

/// <summary>
/// The participant pages' own words come from one translation file per language: every shipped
/// file has every key, a language without a file (or a key without a text) is shown in English,
/// and validate warns an experiment that declares such a language.
/// </summary>
public sealed partial class TranslationTests : IDisposable
{
    private static string Root => SelfRef.Tests.Support.Repository.Root;
    private static string Shipped => Path.Combine(Root, "src", "SelfRef.Web", "translations");
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("selfref-translations-");

    public void Dispose() => _temp.Delete(recursive: true);

    private static Dictionary<string, string> Read(string language) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(Shipped, language + ".json")))!;

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();

    [Fact]
    public void German_English_and_French_are_shipped_and_copied_beside_the_program()
    {
        Assert.Equal(["de", "en", "fr"], Directory.GetFiles(Shipped, "*.json").Select(Path.GetFileNameWithoutExtension).Order());
        Assert.Equal(["de", "en", "fr"], UiText.Load(null).Languages);
    }

    [Theory]
    [InlineData("de")]
    [InlineData("fr")]
    public void Every_shipped_translation_file_has_every_key_with_its_placeholders(string language)
    {
        var english = Read("en");
        var texts = Read(language);
        var missing = english.Keys.Except(texts.Keys).ToList();
        Assert.True(missing.Count == 0, $"{language}.json lacks: {string.Join(", ", missing)}");
        var extra = texts.Keys.Except(english.Keys).ToList();
        Assert.True(extra.Count == 0, $"{language}.json has keys en.json does not: {string.Join(", ", extra)}");
        foreach (var (key, text) in texts)
        {
            Assert.False(string.IsNullOrWhiteSpace(text), $"{language}.json: '{key}' is empty");
            Assert.Equal(Placeholder().Matches(english[key]).Select(m => m.Value).Order(), Placeholder().Matches(text).Select(m => m.Value).Order());
        }
        Assert.Empty(UiText.Load(null).Missing(language));
    }

    [Fact]
    public void Every_key_the_pages_use_is_in_the_English_file()
    {
        var web = Path.Combine(Root, "src", "SelfRef.Web");
        var code = Directory.GetFiles(Path.Combine(web, "wwwroot"), "*.js", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(web, "Pages"), "*.cshtml*", SearchOption.AllDirectories))
            .Concat(Directory.GetFiles(Path.Combine(web, "Participant"), "*.cs"))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}lib{Path.DirectorySeparatorChar}"))
            .Select(File.ReadAllText);
        var used = code.SelectMany(text => UsedKey().Matches(text).Select(m => m.Groups["key"].Value)).ToHashSet();
        Assert.True(used.Count > 40, $"only {used.Count} keys found in the pages; the search is wrong");
        var english = Read("en");
        var unknown = used.Except(english.Keys).ToList();
        Assert.True(unknown.Count == 0, $"keys used but not in en.json: {string.Join(", ", unknown)}");
    }

    // ui['key'] in the browser, Get(language, "key") and T("key") on the server.
    [GeneratedRegex(@"ui\[['""](?<key>[a-zA-Z.]+)['""]\]|Get\([a-zA-Z.]+, ""(?<key>[a-zA-Z.]+)""\)|T\(""(?<key>[a-zA-Z.]+)""")]
    private static partial Regex UsedKey();

    [Fact]
    public void A_language_without_a_file_is_shown_in_English_and_a_partial_file_falls_back_key_by_key()
    {
        File.WriteAllText(Path.Combine(_temp.FullName, "it.json"), """{ "button.continue": "Continua" }""");
        var withItalian = UiText.Load(_temp.FullName);
        var english = withItalian.All("en");

        Assert.Equal(english, withItalian.All("sv"));
        Assert.Equal("Continua", withItalian.Get("it", "button.continue"));
        Assert.Equal(english["button.agree"], withItalian.Get("it", "button.agree"));
        Assert.Equal(english.Count - 1, withItalian.Missing("it").Count);
        // A region falls back to its language's file: fr-CA reads fr.json.
        Assert.Equal(Read("fr")["button.agree"], withItalian.Get("fr-CA", "button.agree"));
        Assert.Empty(withItalian.Missing("fr-CA"));
    }

    private string Experiment(params string[] languages)
    {
        var text = File.ReadAllText(Path.Combine(Root, "experiments", "gallup-pen.json"));
        var json = System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject();
        json["languages"] = new System.Text.Json.Nodes.JsonArray(languages.Select(l => (System.Text.Json.Nodes.JsonNode)l).ToArray());
        // Every text in every language: the English text stands in for the languages added here.
        void Fill(System.Text.Json.Nodes.JsonNode? node)
        {
            if (node is System.Text.Json.Nodes.JsonObject o)
            {
                if (o["en"] is System.Text.Json.Nodes.JsonValue en && o.Count <= 4 && o.All(p => p.Key.Length == 2))
                    foreach (var l in languages) o[l] ??= en.GetValue<string>();
                foreach (var (_, child) in o.ToList()) Fill(child);
            }
            else if (node is System.Text.Json.Nodes.JsonArray a) foreach (var child in a) Fill(child);
        }
        Fill(json);
        var file = Path.Combine(_temp.FullName, "study.json");
        File.WriteAllText(file, json.ToJsonString());
        return file;
    }

    [Fact]
    public void Validate_warns_about_a_declared_language_without_a_translation_file()
    {
        var file = Experiment("en", "it");
        var output = new StringWriter();
        Assert.Equal(0, CommandLine.Run(["validate", file], TextReader.Null, output, new StringWriter()));
        Assert.Contains($"ok  {file}", output.ToString());
        Assert.Contains($"{file}: $.languages[1]: warning: there is no translation file for 'it'", output.ToString());
        Assert.Contains("shown in English", output.ToString());
    }

    [Fact]
    public void Validate_warns_about_missing_keys_and_is_quiet_once_the_researchers_file_is_complete()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_temp.FullName, "translations"));
        var italian = Read("en").ToDictionary(p => p.Key, p => "IT " + p.Value);
        italian.Remove("button.agree");
        italian.Remove("pen.done");
        File.WriteAllText(Path.Combine(folder.FullName, "it.json"), JsonSerializer.Serialize(italian));
        var file = Experiment("en", "it");

        var output = new StringWriter();
        Assert.Equal(0, CommandLine.Run(["validate", file, "--translations", folder.FullName], TextReader.Null, output, new StringWriter()));
        Assert.Contains("warning: translations/it.json lacks 2 of", output.ToString());
        Assert.Contains("button.agree, pen.done", output.ToString());

        italian["button.agree"] = "Accetto e partecipo";
        italian["pen.done"] = "Fatto";
        File.WriteAllText(Path.Combine(folder.FullName, "it.json"), JsonSerializer.Serialize(italian));
        output = new StringWriter();
        Assert.Equal(0, CommandLine.Run(["validate", file, "--translations", folder.FullName], TextReader.Null, output, new StringWriter()));
        Assert.DoesNotContain("warning", output.ToString());
    }

    [Fact]
    public void The_shipped_languages_need_no_warning()
    {
        var result = ExperimentLoader.LoadFile(Path.Combine(Root, "experiments", "gallup-pen.json"), UiText.Load(null));
        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal(["de", "en", "fr"], result.Experiment!.Languages);
        Assert.Empty(result.Notes);
    }

    [Fact]
    public void A_translation_file_that_is_not_an_object_of_texts_is_named()
    {
        File.WriteAllText(Path.Combine(_temp.FullName, "it.json"), """{ "button.continue": ["Continua"] }""");
        var error = Assert.Throws<InvalidDataException>(() => UiText.Load(_temp.FullName));
        Assert.Contains("it.json", error.Message);
        Assert.Throws<DirectoryNotFoundException>(() => UiText.Load(Path.Combine(_temp.FullName, "missing")));
    }
}
