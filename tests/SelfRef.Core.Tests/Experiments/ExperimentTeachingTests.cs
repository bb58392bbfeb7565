using System.Text.Json.Nodes;
using SelfRef.Core.Experiments;

namespace SelfRef.Core.Tests.Experiments;

/// <summary>
/// Experiment files that teach: the schema says what every field means and what it is when left
/// out; a message names the step by id, suggests the word meant, says a form in words, and gives
/// one position for broken JSON; a deliberate departure (names in a pen instruction) is allowed
/// only with a reason and is reported.
/// </summary>
public class ExperimentTeachingTests
{
    private static JsonObject GallupPen() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(SelfRef.Tests.Support.Repository.Root, "experiments", "gallup-pen.json")))!.AsObject();

    private static ExperimentLoader.Result Check(JsonObject experiment) => ExperimentLoader.Parse(experiment.ToJsonString(), "study.json");

    private static IEnumerable<(string Path, JsonObject Property, bool Required)> Properties(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                var required = (o["required"] as JsonArray)?.Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
                if (o["properties"] is JsonObject properties)
                    foreach (var (name, property) in properties)
                    {
                        // The step kind's "type" is fixed per branch ({ "const": "pen" }); the choice among kinds carries the description.
                        if (property is JsonObject p && !(name == "type" && p.ContainsKey("const")))
                            yield return ($"{path}.{name}", p, required.Contains(name));
                    }
                foreach (var (key, child) in o)
                    foreach (var found in Properties(child, $"{path}/{key}")) yield return found;
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                    foreach (var found in Properties(a[i], $"{path}[{i}]")) yield return found;
                break;
        }
    }

    [Fact]
    public void Every_schema_field_has_a_description_and_an_optional_one_its_default()
    {
        var fields = Properties(ExperimentSchema.Node, "$").ToList();
        Assert.True(fields.Count > 60, $"only {fields.Count} fields found; the walk is wrong");
        var undescribed = fields.Where(f => string.IsNullOrWhiteSpace(f.Property["description"]?.GetValue<string>())).Select(f => f.Path).ToList();
        Assert.True(undescribed.Count == 0, "fields without a description:\n" + string.Join("\n", undescribed));
        // An optional field says what it is when left out: its default, or in words when leaving it out means "none".
        var silent = fields.Where(f => !f.Required && !f.Property.ContainsKey("default") && !f.Property["description"]!.GetValue<string>().Contains("Omitted")).Select(f => f.Path).ToList();
        Assert.True(silent.Count == 0, "optional fields that do not say what leaving them out means:\n" + string.Join("\n", silent));
    }

    [Fact]
    public void Questions_are_required_by_default_and_the_schema_says_so()
    {
        var schema = ExperimentSchema.Text;
        var question = JsonNode.Parse(schema)!["properties"]!["steps"]!["items"]!["allOf"]!.AsArray()
            .Single(b => b!["if"]!["properties"]!["type"]!["const"]!.GetValue<string>() == "questionnaire")!["then"]!["properties"]!["questions"]!["items"]!;
        Assert.True(question["properties"]!["required"]!["default"]!.GetValue<bool>());
        Assert.Equal(200, question["properties"]!["maxLength"]!["default"]!.GetValue<int>());
    }

    /// <summary>Each row: a typo, where it is reported and the word suggested.</summary>
    public static TheoryData<string, Action<JsonObject>, string, string> Typos => new()
    {
        { "step type with letters swapped", e => e["steps"]![2]!["type"] = "pne", "$.steps[id=pen].type", "pen" },
        { "step type in capitals", e => e["steps"]![2]!["type"] = "Pen", "$.steps[id=pen].type", "pen" },
        { "step type one letter off", e => e["steps"]![1]!["type"] = "instruction", "$.steps[id=intro].type", "instructions" },
        { "top-level field misspelt", e => e["targetSampelSize"] = 10, "$.targetSampelSize", "targetSampleSize" },
        { "step field in the wrong case", e => e["steps"]![2]!["firstwordgapms"] = 800, "$.steps[id=pen].firstwordgapms", "firstWordGapMs" },
        { "question field misspelt", e => e["steps"]![3]!["questions"]![2]!["mxa"] = 3, "$.steps[id=about-you].questions[2].mxa", "max" },
        { "step id in the wrong case in an order", e => e["conditions"] = JsonNode.Parse("""[{"id":"a","order":["consent","Intro","pen","about-you","debrief"]}]"""), "$.conditions[0].order[1]", "intro" },
        { "condition misspelt in onlyIn", e => { e["conditions"] = JsonNode.Parse("""[{"id":"control"},{"id":"primed"}]"""); e["steps"]![1]!["onlyIn"] = new JsonArray("contorl"); }, "$.steps[id=intro].onlyIn[0]", "control" },
        { "task type misspelt in references", e => e["references"] = JsonNode.Parse("""{"Pen":0.9}"""), "$.references.Pen", "pen" },
    };

    [Theory]
    [MemberData(nameof(Typos))]
    public void A_typo_gets_a_did_you_mean(string typo, Action<JsonObject> make, string path, string meant)
    {
        var experiment = GallupPen();
        make(experiment);
        var result = Check(experiment);
        var error = result.Errors.FirstOrDefault(e => e.JsonPath == path);
        Assert.True(error is not null, $"{typo}: expected an error at {path}, got:\n{string.Join("\n", result.Errors)}");
        Assert.Equal(meant, error.Suggestion);
        Assert.Contains($"did you mean '{meant}'?", error.Message);
    }

    [Theory]
    [InlineData("wholly-unknown-field")]
    [InlineData("xyz")]
    public void A_word_far_from_any_known_one_gets_no_suggestion_but_the_list(string field)
    {
        var experiment = GallupPen();
        experiment[field] = 1;
        var error = Assert.Single(Check(experiment).Errors);
        Assert.Null(error.Suggestion);
        Assert.DoesNotContain("did you mean", error.Message);
        Assert.Contains("targetSampleSize", error.Message);
    }

    [Fact]
    public void A_task_question_named_in_the_wrong_case_gets_a_did_you_mean()
    {
        var experiment = GallupPen();
        experiment["steps"]![2]!["firstNameQuestion"] = "firstname";
        var error = Assert.Single(Check(experiment).Errors);
        Assert.Equal("$.steps[id=pen].firstNameQuestion", error.JsonPath);
        Assert.Contains("did you mean 'firstName'?", error.Message);
    }

    [Fact]
    public void A_step_with_an_id_is_named_by_it_wherever_it_stands()
    {
        var experiment = GallupPen();
        experiment["steps"]![2]!["firstWordGapMs"] = 5;
        Assert.Equal("$.steps[id=pen].firstWordGapMs", Assert.Single(Check(experiment).Errors).JsonPath);
        // The same mistake after the steps moved: the path still names the step the researcher looks for.
        var steps = experiment["steps"]!.AsArray();
        var intro = steps[1]!;
        steps.RemoveAt(1);
        steps.Insert(2, intro);
        Assert.Equal("$.steps[id=pen].firstWordGapMs", Assert.Single(Check(experiment).Errors).JsonPath);
    }

    /// <summary>Each row: a value of the wrong form, where, and words the message must use.</summary>
    public static TheoryData<string, Action<JsonObject>, string, string> Forms => new()
    {
        { "experiment id with capitals and a space", e => e["id"] = "Gallup Pen", "$.id", "lower-case letters" },
        { "step id with a space", e => e["steps"]![1]!["id"] = "the intro", "$.steps[id=the intro].id", "lower-case letters" },
        { "question id starting with a capital", e => e["steps"]![3]!["questions"]![2]!["id"] = "Age", "$.steps[id=about-you].questions[2].id", "starting with a lower-case letter or digit" },
        { "condition id with a dot", e => e["conditions"] = JsonNode.Parse("""[{"id":"a.b"}]"""), "$.conditions[0].id", "hyphens and underscores" },
        { "language that is a word", e => e["languages"] = new JsonArray("german"), "$.languages[0]", "BCP 47 language tag" },
        { "text keyed by a word, not a language", e => e["title"]!["english"] = "x", "$.title.english", "BCP 47 language tag" },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public void A_form_is_said_in_words_never_as_a_regular_expression(string mistake, Action<JsonObject> make, string path, string words)
    {
        var experiment = GallupPen();
        make(experiment);
        var result = Check(experiment);
        var error = result.Errors.FirstOrDefault(e => e.JsonPath == path);
        Assert.True(error is not null, $"{mistake}: expected an error at {path}, got:\n{string.Join("\n", result.Errors)}");
        Assert.Contains(words, error.Message);
        Assert.All(result.Errors, e => Assert.DoesNotMatch(@"\^|\]\{|\{\d+,\d+\}|\\[dws]", e.Message));
    }

    [Fact]
    public void Broken_JSON_gets_one_position_counted_from_one()
    {
        const string text = "{\n  \"id\": \"x\",\n  \"title\": { \"en\": \"x\" }\n  \"languages\": [\"en\"]\n}";
        var error = Assert.Single(ExperimentLoader.Parse(text, "study.json").Errors);
        Assert.Equal("$", error.JsonPath);
        Assert.StartsWith("not valid JSON at line 4, column 3:", error.Message);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(error.Message, "line", System.Text.RegularExpressions.RegexOptions.IgnoreCase));
        Assert.DoesNotContain("Position", error.Message);
    }

    [Fact]
    public void Names_in_a_pen_instruction_are_an_error_that_says_how_to_allow_them()
    {
        var experiment = GallupPen();
        experiment["steps"]![2]!["instruction"]!["en"] = "Write your name.";
        var error = Assert.Single(Check(experiment).Errors);
        Assert.Equal("$.steps[id=pen].instruction.en", error.JsonPath);
        Assert.Contains("allowNamesInInstruction", error.Message);
    }

    [Fact]
    public void Allowing_names_needs_a_reason()
    {
        var experiment = GallupPen();
        experiment["steps"]![2]!["instruction"]!["en"] = "Write your name.";
        experiment["steps"]![2]!["allowNamesInInstruction"] = true;
        var error = Assert.Single(Check(experiment).Errors);
        Assert.Equal("$.steps[id=pen].allowNamesReason", error.JsonPath);

        experiment["steps"]![2]!["allowNamesInInstruction"] = false;
        experiment["steps"]![2]!["allowNamesReason"] = "positive control";
        Assert.Contains(Check(experiment).Errors, e => e.JsonPath == "$.steps[id=pen].allowNamesReason" && e.Message.Contains("not true"));
    }

    [Fact]
    public void Names_allowed_with_a_reason_load_with_a_notice_naming_the_step_and_the_reason()
    {
        var experiment = GallupPen();
        experiment["steps"]![2]!["instruction"]!["en"] = "Write your name.";
        experiment["steps"]![2]!["allowNamesInInstruction"] = true;
        experiment["steps"]![2]!["allowNamesReason"] = "positive control: asked to write their name";
        var result = Check(experiment);
        Assert.True(result.Ok, string.Join("\n", result.Errors));
        var notice = Assert.Single(result.Notes);
        Assert.Equal(ProblemSeverity.Notice, notice.Severity);
        Assert.Equal("$.steps[id=pen].allowNamesInInstruction", notice.JsonPath);
        Assert.Contains("positive control: asked to write their name", notice.Message);
        Assert.Equal([("pen", notice.Message)], ExperimentRules.Notices(result.Experiment!));
        Assert.Empty(Check(GallupPen()).Notes);
    }

    [Theory]
    [InlineData("pne", "pen")]
    [InlineData("PEN", "pen")]
    [InlineData("questionaire", "questionnaire")]
    [InlineData("mpa", "map")]
    [InlineData("zzz", null)]
    [InlineData("de", null)]
    public void Did_you_mean_picks_a_case_only_or_near_match(string typed, string? meant) =>
        Assert.Equal(meant, DidYouMean.Nearest(typed, ["consent", "instructions", "questionnaire", "debrief", "pen", "map", "name-letters"]));
}
