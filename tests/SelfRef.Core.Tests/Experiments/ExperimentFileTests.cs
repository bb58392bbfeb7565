using System.Text.Json.Nodes;
using SelfRef.Core.Experiments;

namespace SelfRef.Core.Tests.Experiments;

public class ExperimentFileTests
{
    private static string Repo => SelfRef.Tests.Support.Repository.Root;

    [Theory]
    [InlineData("gallup-pen.json", "gallup-pen", 1)]
    [InlineData("gallup-pen-keyboard.json", "gallup-pen-keyboard", 1)]
    [InlineData("gallup-map.json", "gallup-map", 1)]
    [InlineData("gallup-replication.json", "gallup-replication", 2)]
    public void Shipped_experiments_load(string file, string id, int conditions)
    {
        var result = ExperimentLoader.LoadFile(Path.Combine(Repo, "experiments", file));
        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal(id, result.Experiment!.Id);
        Assert.Equal(conditions, result.Experiment.EffectiveConditions.Count);
    }

    [Fact]
    public void Published_schema_is_the_one_generated_from_the_records()
    {
        var committed = File.ReadAllText(Path.Combine(Repo, "experiments", ExperimentSchema.FileName));
        Assert.True(committed == ExperimentSchema.Text,
            "experiments/experiment.schema.json differs from the records it is generated from; run `dotnet run --project src/SelfRef.Web -- schema`");
    }

    [Fact]
    public void Schema_declares_every_step_type_with_its_parameters_and_descriptions()
    {
        var schema = ExperimentSchema.Node;
        var kinds = schema["properties"]!["steps"]!["items"]!["properties"]!["type"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>());
        Assert.Equal(StepTypes.All.Select(t => t.Name), kinds);
        var pen = schema["properties"]!["steps"]!["items"]!["allOf"]!.AsArray()
            .Single(b => b!["if"]!["properties"]!["type"]!["const"]!.GetValue<string>() == "pen")!["then"]!;
        Assert.Contains("pause", pen["properties"]!["firstWordGapMs"]!["description"]!.GetValue<string>());
        Assert.Equal(100, pen["properties"]!["firstWordGapMs"]!["minimum"]!.GetValue<double>());
        Assert.False(pen["additionalProperties"]!.GetValue<bool>());
    }

    [Fact]
    public void Folder_with_two_files_of_one_id_names_both()
    {
        var folder = Directory.CreateTempSubdirectory("selfref-experiments-");
        try
        {
            var text = File.ReadAllText(Path.Combine(Repo, "experiments", "gallup-pen.json"));
            File.WriteAllText(Path.Combine(folder.FullName, "a.json"), text);
            File.WriteAllText(Path.Combine(folder.FullName, "b.json"), text);
            var error = Assert.Throws<ExperimentLoadException>(() => ExperimentLoader.LoadFolder(folder.FullName));
            var problem = Assert.Single(error.Errors);
            Assert.EndsWith("b.json", problem.File);
            Assert.Equal("$.id", problem.JsonPath);
            Assert.Contains("a.json", problem.Message);
        }
        finally { folder.Delete(recursive: true); }
    }

    [Fact]
    public void Missing_folder_is_named()
    {
        var error = Assert.Throws<ExperimentLoadException>(() => ExperimentLoader.LoadFolder("/nonexistent/experiments"));
        Assert.Contains("/nonexistent/experiments", error.Message);
        Assert.Contains("not found", error.Message);
    }

    /// <summary>Each row: a mistake a researcher makes in gallup-pen.json, where it is reported, and what the message says.</summary>
    public static TheoryData<string, Func<JsonObject, JsonNode?>, string, string> Mistakes => new()
    {
        { "not JSON at all", _ => null, "$", "not valid JSON" },
        { "id with spaces", e => e["id"] = "Gallup Pen", "$.id", "expected form" },
        { "title missing", e => e.Remove("title") ? e : e, "$", "title" },
        { "language that is not a language tag", e => e["languages"] = new JsonArray("de", "english"), "$.languages[1]", "BCP 47 language tag" },
        { "language declared without its texts", e => e["languages"] = new JsonArray("de", "en", "fr", "it"), "$.steps[id=pen].instruction", "text in 'it' is missing" },
        { "language listed twice in two cases", e => e["languages"] = new JsonArray("de", "en", "fr", "FR"), "$.languages", "listed twice" },
        { "misspelled field", e => e["targetSampelSize"] = 10, "$.targetSampelSize", "unknown field 'targetSampelSize'" },
        { "misspelled step type", e => e["steps"]![2]!["type"] = "pne", "$.steps[id=pen].type", "not one of: consent, instructions, questionnaire, debrief, pen, map" },
        { "parameter of the wrong type", e => e["steps"]![2]!["firstWordGapMs"] = "fast", "$.steps[id=pen].firstWordGapMs", "wrong type" },
        { "parameter out of range", e => e["steps"]![2]!["firstWordGapMs"] = 5, "$.steps[id=pen].firstWordGapMs", "expected 100 to 10000" },
        { "map parameter on a pen step", e => e["steps"]![2]!["homeRadiusKm"] = 25, "$.steps[id=pen].homeRadiusKm", "unknown field" },
        { "step without id", e => e["steps"]![1]!.AsObject().Remove("id") ? e : e, "$.steps[1]", "id" },
        { "text missing in English", e => e["steps"]![1]!["text"]!.AsObject().Remove("en") ? e : e, "$.steps[id=intro].text", "text in 'en' is missing" },
        { "empty German text", e => e["steps"]![0]!["text"]!["de"] = " ", "$.steps[id=consent].text", "text in 'de' is missing" },
        { "two steps with one id", e => e["steps"]![1]!["id"] = "consent", "$.steps[1].id", "already used by $.steps[0]" },
        { "choice without options", e => e["steps"]![3]!["questions"]![3]!.AsObject().Remove("options") ? e : e, "$.steps[id=about-you].questions[3].options", "at least two options" },
        { "two questions with one id", e => e["steps"]![3]!["questions"]![1]!["id"] = "firstName", "$.steps[id=about-you].questions[1].id", "used twice" },
        { "min above max", e => e["steps"]![3]!["questions"]![2]!["min"] = 200, "$.steps[id=about-you].questions[2].min", "larger than max" },
        { "range on a text question", e => e["steps"]![3]!["questions"]![0]!["max"] = 3, "$.steps[id=about-you].questions[0]", "number questions only" },
        { "debrief not last", e => { var steps = e["steps"]!.AsArray(); var last = steps[4]!; steps.RemoveAt(4); steps.Insert(3, last); return e; }, "$.steps", "last step" },
        { "consent not first", e => { var steps = e["steps"]!.AsArray(); var first = steps[0]!; steps.RemoveAt(0); steps.Insert(1, first); return e; }, "$.steps", "consent must come first" },
        { "order naming an unknown step", e => e["conditions"] = JsonNode.Parse("""[{"id":"a","order":["consent","intro","pen","about-you","debrief","extra"]}]"""), "$.conditions[0].order[5]", "unknown step 'extra'" },
        { "order leaving a step out", e => e["conditions"] = JsonNode.Parse("""[{"id":"a","order":["consent","pen","about-you","debrief"]}]"""), "$.conditions[0].order", "step 'intro' is missing" },
        { "onlyIn naming an unknown condition", e => e["steps"]![1]!["onlyIn"] = new JsonArray("b"), "$.steps[id=intro].onlyIn[0]", "unknown condition 'b'" },
        { "reference for an unknown task", e => e["references"] = JsonNode.Parse("""{"pne":0.9}"""), "$.references.pne", "not a task type" },
        { "reference outside 0..1", e => e["references"] = JsonNode.Parse("""{"pen":96}"""), "$.references.pen", "strictly between 0 and 1" },
        { "redirect that is not a URL", e => e["recruitment"] = JsonNode.Parse("""{"redirectUrl":"prolific.com/done"}"""), "$.recruitment.redirectUrl", "absolute http(s) URL" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_mistake_is_reported_with_file_path_and_reason(string mistake, Func<JsonObject, JsonNode?> make, string path, string reason)
    {
        var experiment = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo, "experiments", "gallup-pen.json")))!.AsObject();
        var text = make(experiment) is null ? "{ \"id\": " : experiment.ToJsonString();
        var result = ExperimentLoader.Parse(text, "experiments/broken.json");
        Assert.False(result.Ok, $"{mistake}: the file was accepted");
        Assert.Null(result.Experiment);
        Assert.All(result.Errors, e => Assert.Equal("experiments/broken.json", e.File));
        Assert.True(result.Errors.Any(e => e.JsonPath == path && e.Message.Contains(reason, StringComparison.OrdinalIgnoreCase)),
            $"{mistake}: expected an error at {path} saying '{reason}', got:\n{string.Join("\n", result.Errors)}");
    }
}
