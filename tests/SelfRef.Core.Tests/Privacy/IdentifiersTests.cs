using System.Text.Json.Nodes;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Tasks.Map;
using SelfRef.Core.Tasks.Pen;

namespace SelfRef.Core.Tests.Privacy;

public class IdentifiersTests
{
    private static Experiment Shipped(string file)
    {
        var result = ExperimentLoader.LoadFile(Path.Combine(SelfRef.Tests.Support.Repository.Root, "experiments", file));
        Assert.True(result.Ok, string.Join("\n", result.Errors));
        return result.Experiment!;
    }

    [Fact]
    public void The_questions_tasks_compare_with_are_identifying_and_no_others()
    {
        var experiment = Shipped("gallup-replication.json");
        var keys = Identifiers.AnswerKeys(experiment);
        var questions = experiment.Steps.OfType<QuestionnaireStep>().SelectMany(s => s.Questions.Select(q => (Step: s.Id, Question: q.Id))).ToList();
        var expected = questions.Where(q => q.Question is "firstName" or "surname" or "hometown").Select(q => $"{q.Step}.{q.Question}").ToHashSet();
        Assert.Equal(3, expected.Count);
        Assert.Equal(expected, keys.ToHashSet());
    }

    [Fact]
    public void A_question_marked_identifying_is_identifying()
    {
        var experiment = Shipped("gallup-pen.json");
        var step = experiment.Steps.OfType<QuestionnaireStep>().First();
        var marked = step with { Questions = [.. step.Questions, new Question { Id = "email", Type = QuestionType.Text, Label = step.Questions[0].Label, Identifying = true }] };
        var changed = experiment with { Steps = experiment.Steps.Select(s => s == step ? marked : s).ToList() };
        Assert.Contains($"{step.Id}.email", Identifiers.AnswerKeys(changed));
        Assert.DoesNotContain($"{step.Id}.email", Identifiers.AnswerKeys(experiment));
    }

    [Fact]
    public void Typed_letters_and_place_searches_are_redacted_and_named()
    {
        var keyboard = Shipped("gallup-pen-keyboard.json").Steps.OfType<PenStep>().Single();
        var redacted = JsonNode.Parse(Identifiers.Redact(keyboard, "text.input", """{"text":"Jonas","inputType":"insertText","caret":5}""")!)!.AsObject();
        Assert.False(redacted.ContainsKey("text"));
        Assert.Equal(5, redacted["caret"]!.GetValue<int>());
        Assert.Equal("text", redacted["redacted"]![0]!.GetValue<string>());

        var map = Shipped("gallup-map.json").Steps.OfType<MapStep>().Single();
        var choose = Identifiers.Redact(map, "map.search.choose", """{"id":"gn:2950159","name":"Berlin","q":"Berl","rank":0,"lat":52.5,"lng":13.4}""")!;
        Assert.DoesNotContain("Berl", choose);
        Assert.DoesNotContain("52.5", choose);
        Assert.Contains("\"rank\":0", choose);
    }

    [Fact]
    public void Strokes_and_map_views_keep_their_data()
    {
        var pen = Shipped("gallup-pen.json").Steps.OfType<PenStep>().Single();
        const string points = """{"points":[[0.1,0.2,16.5,0.5]]}""";
        Assert.Same(points, Identifiers.Redact(pen, "pen.points", points));
        var map = Shipped("gallup-map.json").Steps.OfType<MapStep>().Single();
        const string view = """{"lat":52.5,"lng":13.4,"zoom":9}""";
        Assert.Same(view, Identifiers.Redact(map, "map.view", view));
    }
}
