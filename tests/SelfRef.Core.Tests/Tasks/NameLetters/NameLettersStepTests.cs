using System.Text.Json.Nodes;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Tasks;
using SelfRef.Core.Tasks.NameLetters;

namespace SelfRef.Core.Tests.Tasks.NameLetters;

/// <summary>The name-letter step in an experiment file: the shipped example, the rules beyond the schema, the events its page may log.</summary>
public class NameLettersStepTests
{
    private static string File => Path.Combine(SelfRef.Tests.Support.Repository.Root, "experiments", "name-letters.json");

    [Fact]
    public void The_shipped_experiment_loads_with_a_name_letter_step_the_registry_knows()
    {
        var result = ExperimentLoader.LoadFile(File);
        Assert.True(result.Ok, string.Join("\n", result.Errors));
        var step = Assert.IsType<NameLettersStep>(result.Experiment!.Step("letters"));
        Assert.Same(NameLettersTask.Type, StepTypes.TaskOf(step));
        Assert.Same(NameLettersTask.Type, StepTypes.Task("name-letters"));
        Assert.Equal(26, step.LetterList().Count);
        Assert.Equal(["firstName", "surname"], NameLettersTask.Type.IdentifyingQuestions(step));
        Assert.Equal("Pick up to six letters that you like best.", NameLettersTask.Type.Instruction(step)!.In("en"));
    }

    /// <summary>Each row: a mistake in the name-letter step of name-letters.json, the field reported and what the message says.</summary>
    public static TheoryData<string, Func<JsonObject, JsonNode?>, string, string> Mistakes => new()
    {
        { "instruction naming names", s => s["instruction"]!["en"] = "Pick the letters of your name.", "$.steps[id=letters].instruction.en", "mentions names or initials" },
        { "instruction naming initials", s => s["instruction"]!["de"] = "Wählen Sie Ihre Initialen.", "$.steps[id=letters].instruction.de", "mentions names or initials" },
        { "instruction naming first letters", s => s["instruction"]!["de"] = "Welche Anfangsbuchstaben mögen Sie?", "$.steps[id=letters].instruction.de", "neutral" },
        { "a letter twice", s => s["letters"] = "ABCDEFGA", "$.steps[id=letters].letters", "'A' appears twice" },
        { "a letter twice in two cases", s => s["letters"] = "ABCDEFGa", "$.steps[id=letters].letters", "'a' appears twice" },
        { "letters with separators", s => s["letters"] = "A, B, C", "$.steps[id=letters].letters", "is not a letter" },
        { "more picks allowed than letters", s => { s["letters"] = "ABCDE"; return s["maxPicks"] = 6; }, "$.steps[id=letters].maxPicks", "more than the 5 letters shown" },
        { "more picks needed than allowed", s => s["minPicks"] = 7, "$.steps[id=letters].minPicks", "more than maxPicks (6)" },
        { "no such question", s => s["surnameQuestion"] = "lastName", "$.steps[id=letters].surnameQuestion", "no questionnaire asks question 'lastName'" },
        { "columns out of range", s => s["columns"] = 30, "$.steps[id=letters].columns", "expected 1 to 10" },
        { "a single letter", s => s["letters"] = "A", "$.steps[id=letters].letters", "" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_mistake_in_the_step_is_reported_with_its_path_and_reason(string mistake, Func<JsonObject, JsonNode?> make, string path, string reason)
    {
        var experiment = JsonNode.Parse(System.IO.File.ReadAllText(File))!.AsObject();
        make(experiment["steps"]![2]!.AsObject());
        var result = ExperimentLoader.Parse(experiment.ToJsonString(), "experiments/broken.json");
        Assert.False(result.Ok, $"{mistake}: the file was accepted");
        Assert.True(result.Errors.Any(e => e.JsonPath == path && e.Message.Contains(reason, StringComparison.OrdinalIgnoreCase)),
            $"{mistake}: expected an error at {path} saying '{reason}', got:\n{string.Join("\n", result.Errors)}");
    }

    [Fact]
    public void German_letters_with_umlauts_are_accepted()
    {
        var experiment = JsonNode.Parse(System.IO.File.ReadAllText(File))!.AsObject();
        experiment["steps"]![2]!["letters"] = "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÜ";
        var result = ExperimentLoader.Parse(experiment.ToJsonString(), "experiments/umlauts.json");
        Assert.True(result.Ok, string.Join("\n", result.Errors));
        Assert.Equal(29, ((NameLettersStep)result.Experiment!.Step("letters")).LetterList().Count);
    }

    [Theory]
    [InlineData("letters.grid", """{"seed":4294967295,"letters":["Q","W","E"],"columns":6}""", null)]
    [InlineData("letters.pick", """{"letter":"Q","index":0,"pt":"mouse"}""", null)]
    [InlineData("letters.unpick", """{"letter":"Q","index":0,"pt":"keyboard"}""", null)]
    [InlineData("letters.pick", """{"index":0,"pt":"mouse"}""", "data.letter: is missing")]
    [InlineData("letters.pick", """{"letter":"Q","index":"first"}""", "data.index: expected a whole number")]
    [InlineData("letters.grid", """{"seed":1,"letters":"QWE","columns":6}""", "data.letters: expected a list")]
    [InlineData("pen.down", """{"s":0,"x":0.1,"y":0.2}""", "is not an event of a name-letters step")]
    public void The_hub_accepts_what_the_page_logs_and_names_the_field_that_is_wrong(string type, string data, string? problem)
    {
        var step = ExperimentLoader.LoadFile(File).Experiment!.Step("letters");
        var batch = new EventBatch(1, "letters", [new ClientEvent(10, type, System.Text.Json.JsonDocument.Parse(data).RootElement)], "tab");
        var found = BatchRules.Problem(batch, step);
        if (problem is null) Assert.Null(found);
        else Assert.Contains(problem, found);
    }

    [Fact]
    public void A_picked_letter_and_its_place_are_identifying_fields_and_the_grid_is_not()
    {
        var step = ExperimentLoader.LoadFile(File).Experiment!.Step("letters");
        Assert.Equal(["letter", "index"], SelfRef.Core.Privacy.Identifiers.EventFields(step, NameLettersEvents.Pick));
        Assert.Equal(["letter", "index"], SelfRef.Core.Privacy.Identifiers.EventFields(step, NameLettersEvents.Unpick));
        Assert.Empty(SelfRef.Core.Privacy.Identifiers.EventFields(step, NameLettersEvents.Grid));
        Assert.Equal("""{"pt":"mouse","redacted":["letter","index"]}""",
            SelfRef.Core.Privacy.Identifiers.Redact(step, NameLettersEvents.Pick, """{"letter":"M","index":4,"pt":"mouse"}"""));
    }
}
