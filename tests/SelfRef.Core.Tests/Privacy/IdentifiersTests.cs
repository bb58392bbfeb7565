using System.Text.Json.Nodes;
using SelfRef.Core.Experiments;
using SelfRef.Core.Gazetteer;
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
    public void Place_and_free_text_answers_and_those_tasks_compare_with_are_identifying_and_no_others()
    {
        var experiment = Shipped("gallup-replication.json");
        var keys = Identifiers.AnswerKeys(experiment);
        var questions = experiment.Steps.OfType<QuestionnaireStep>().SelectMany(s => s.Questions.Select(q => (Step: s.Id, Question: q))).ToList();
        var expected = questions.Where(q => q.Question.Id is "firstName" or "surname" or "hometown" || q.Question.Type is QuestionType.Place or QuestionType.Text)
            .Select(q => $"{q.Step}.{q.Question.Id}").ToHashSet();
        Assert.Equal(expected, keys.ToHashSet());
        Assert.Contains(questions, q => q.Question.Type is QuestionType.Number or QuestionType.Choice && !keys.Contains($"{q.Step}.{q.Question.Id}"));
    }

    [Fact]
    public void A_place_question_identifies_by_its_kind_without_a_flag_or_a_map_step()
    {
        var experiment = Shipped("gallup-pen.json");
        var step = experiment.Steps.OfType<QuestionnaireStep>().First();
        var place = step with { Questions = [.. step.Questions, new Question { Id = "grewUp", Type = QuestionType.Place, Label = step.Questions[0].Label }] };
        var changed = experiment with { Steps = experiment.Steps.Select(s => s == step ? place : s).ToList() };
        Assert.DoesNotContain(changed.Steps, s => s is MapStep);
        Assert.Contains($"{step.Id}.grewUp", Identifiers.AnswerKeys(changed));
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
    public void Strokes_keep_their_data_and_map_coordinates_are_redacted_or_kept_only_coarse()
    {
        var pen = Shipped("gallup-pen.json").Steps.OfType<PenStep>().Single();
        const string points = """{"points":[[0.1,0.2,16.5,0.5]]}""";
        Assert.Same(points, Identifiers.Redact(pen, "pen.points", points));

        var map = Shipped("gallup-map.json").Steps.OfType<MapStep>().Single();
        const string view = """{"lat":49.9876,"lng":8.6543,"zoom":9,"bounds":[49.5,8.1,50.4,9.2]}""";
        var redacted = JsonNode.Parse(Identifiers.Redact(map, "map.view", view)!)!.AsObject();
        Assert.Equal(["zoom", "redacted"], redacted.Select(p => p.Key));
        Assert.Equal(["lat", "lng", "bounds"], redacted["redacted"]!.AsArray().Select(n => n!.GetValue<string>()));

        var grid = CoarseGrid.Of(25);
        var coarse = JsonNode.Parse(Identifiers.Redact(map, "map.view", view, grid)!)!.AsObject();
        var (lat, lng) = (coarse["lat"]!.GetValue<double>(), coarse["lng"]!.GetValue<double>());
        Assert.Equal((grid.Latitude(49.9876), grid.Longitude(49.9876, 8.6543)), (lat, lng));
        Assert.NotEqual(49.9876, lat);
        Assert.Equal(["lat", "lng", "bounds"], coarse["coarsened"]!.AsArray().Select(n => n!.GetValue<string>()));
        var click = Identifiers.Redact(map, "map.click", """{"lat":49.9876,"lng":8.6543,"zoom":9,"pointer":"mouse"}""")!;
        Assert.DoesNotContain("49.98", click);
        Assert.Contains("\"pointer\":\"mouse\"", click);
    }

    [Theory]
    [InlineData(49.9876, 8.6543)]
    [InlineData(-33.87, 151.21)]
    [InlineData(64.13, -21.9)]
    [InlineData(0.01, -179.99)]
    public void A_coarse_grid_moves_a_point_no_more_than_its_cell_and_gives_every_point_of_a_cell_the_same_centre(double lat, double lon)
    {
        var grid = CoarseGrid.Of(25);
        var (cellLat, cellLon) = (grid.Latitude(lat), grid.Longitude(lat, lon));
        // Half the diagonal of a 25 km cell, with room for the cell's rounding to whole cells per row.
        Assert.True(GreatCircle.DistanceKm(lat, lon, cellLat, cellLon) <= 25, $"({lat}, {lon}) moved to ({cellLat}, {cellLon})");
        Assert.Equal((cellLat, cellLon), (grid.Latitude(cellLat), grid.Longitude(cellLat, cellLon)));
    }

    [Theory]
    [InlineData(24.9)]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(double.NaN)]
    public void A_grid_finer_than_25_km_is_refused_with_the_reason(double km)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => CoarseGrid.Of(km));
        Assert.Contains("at least 25 km", error.Message);
    }

    [Fact]
    public void A_map_outcome_without_identifiers_keeps_distance_and_how_but_no_coordinates_or_place()
    {
        var outcome = new SelfRef.Core.Tasks.TaskOutcome(1234, true, null, "zoom 10 held: Egelsbach (DE, town)", "mouse")
        {
            Columns = new Dictionary<string, string?> { ["distance_km"] = "3.2", ["target_lat"] = "49.967", ["target_lon"] = "8.6667", ["home_lat"] = "49.96", ["home_lon"] = "8.65" },
        };
        var plain = Identifiers.Outcome(MapTask.Type, null, outcome);
        Assert.Equal("zoom 10 held", plain.MatchDetail);
        Assert.Equal(["distance_km"], plain.Columns.Keys);
        var coarse = Identifiers.Outcome(MapTask.Type, null, outcome, CoarseGrid.Of(50));
        Assert.Equal(["distance_km", "target_lat", "target_lon"], coarse.Columns.Keys.Order());
        Assert.NotEqual("49.967", coarse.Columns["target_lat"]);
    }
}
