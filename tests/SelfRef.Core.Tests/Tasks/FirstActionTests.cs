using SelfRef.Core.Coding;
using SelfRef.Core.Experiments;
using SelfRef.Core.Tasks.Map;
using SelfRef.Core.Tasks.NameLetters;
using SelfRef.Core.Tasks.Pen;

namespace SelfRef.Core.Tests.Tasks;

/// <summary>What a task says its first action is (for methods sections and preregistrations), and how a coded answer's detail is read back.</summary>
public sealed class FirstActionTests
{
    private static readonly LocalizedText Neutral = new() { ["en"] = "Have a look." };

    [Fact]
    public void Each_task_states_its_steps_own_parameters_and_the_rule_in_general_without_a_step()
    {
        var pen = PenTask.Type.FirstAction(new PenStep { Id = "pen", Instruction = Neutral, FirstWordGapMs = 1500, Input = PenInput.Keyboard });
        Assert.Contains("a pause longer than 1,500 ms", pen);
        Assert.Contains("Typing: it is matched automatically", pen);
        Assert.DoesNotContain("human coders", pen);
        Assert.Contains("Handwriting: human coders", PenTask.Type.FirstAction(new PenStep { Id = "pen", Instruction = Neutral }));
        Assert.Contains("firstWordGapMs (default 1,000 ms)", PenTask.Type.FirstAction(null));

        var map = MapTask.Type.FirstAction(new MapStep { Id = "map", Instruction = Neutral, TargetZoom = 12, DwellMs = 1200, HomeRadiusKm = 10 });
        Assert.Contains("zoom-in to zoom level 12 or closer held for 1,200 ms", map);
        Assert.Contains("is at most 10 km", map);

        var letters = NameLettersTask.Type.FirstAction(new NameLettersStep { Id = "letters", Instruction = Neutral, Letters = "ABCÄ" });
        Assert.Contains("a grid of 4 letters (ABCÄ)", letters);
        Assert.All(StepTypes.Tasks, t => Assert.False(string.IsNullOrWhiteSpace(t.FirstAction(null)), $"{t.Name} does not say what its first action is"));
    }

    [Theory]
    [InlineData("coded by 2: OwnName, Other", 2)]
    [InlineData("coded by 3: OwnName, OwnName, Other", 3)]
    [InlineData("first name (0.93)", null)]
    [InlineData("coded by two: OwnName", null)]
    [InlineData(null, null)]
    public void The_coders_of_an_answer_are_read_back_from_its_match_detail(string? detail, int? coders) =>
        Assert.Equal(coders, CodeConsensus.CodersIn(detail));

    [Fact]
    public void A_coded_answers_detail_names_its_coders_count_and_codes_in_coder_order()
    {
        var codes = new[] { new CoderCode { Coder = "zoe", Value = CodeValue.Other }, new CoderCode { Coder = "anna", Value = CodeValue.OwnName } };
        var detail = CodeConsensus.Detail(codes);
        Assert.Equal("coded by 2: own name, other word", detail);
        Assert.Equal(2, CodeConsensus.CodersIn(detail));
        Assert.Null(CodeConsensus.Detail([]));
    }
}
