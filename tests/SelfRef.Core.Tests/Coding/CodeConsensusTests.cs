using SelfRef.Core.Coding;

namespace SelfRef.Core.Tests.Coding;

/// <summary>When a handwritten answer's code becomes final: the rule every page, outcome and report reads.</summary>
public class CodeConsensusTests
{
    private static readonly DateTime Noon = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    private static CoderCode Code(string coder, CodeValue value, int minute = 0) =>
        new() { SessionId = "s1", StepId = "pen", Coder = coder, Value = value, At = Noon.AddMinutes(minute) };

    private static CoderCode Adjudicated(string owner, CodeValue value, int minute = 10) => Code(owner, value, minute) with { Adjudication = true };

    public static TheoryData<string, int, CoderCode[], CodeValue?, CodingState, string?> Cases => new()
    {
        { "nobody coded", 2, [], null, CodingState.NotCoded, "not coded" },
        { "one coder of two required is not final", 2, [Code("anna", CodeValue.OwnName)], null, CodingState.Waiting, "coded by 1 of 2 coders" },
        { "two coders who agree make it final", 2, [Code("anna", CodeValue.OwnName), Code("ben", CodeValue.OwnName)], CodeValue.OwnName, CodingState.Agreed, null },
        { "two coders who disagree send it to adjudication", 2, [Code("anna", CodeValue.OwnName), Code("ben", CodeValue.Other)], null, CodingState.Disagree, "coders disagree" },
        { "an adjudication decides a disagreement", 2, [Code("anna", CodeValue.OwnName), Code("ben", CodeValue.Other), Adjudicated("olga", CodeValue.Other)], CodeValue.Other, CodingState.Adjudicated, null },
        { "the latest adjudication counts", 2, [Code("anna", CodeValue.OwnName), Code("ben", CodeValue.Other), Adjudicated("olga", CodeValue.Other, 10), Adjudicated("olga", CodeValue.Unreadable, 20)], CodeValue.Unreadable, CodingState.Adjudicated, null },
        { "one coder suffices when the experiment says so", 1, [Code("anna", CodeValue.Unreadable)], CodeValue.Unreadable, CodingState.Agreed, null },
        { "three coders: two of three agreeing are not enough when three are required", 3, [Code("anna", CodeValue.OwnName), Code("ben", CodeValue.OwnName), Code("carl", CodeValue.Other)], null, CodingState.Disagree, "coders disagree" },
        { "three coders, two required: two who agree decide", 2, [Code("anna", CodeValue.OwnName), Code("ben", CodeValue.Other), Code("carl", CodeValue.OwnName)], CodeValue.OwnName, CodingState.Agreed, null },
        { "two of three required coded and agree: still waiting for the third", 3, [Code("anna", CodeValue.OwnName), Code("ben", CodeValue.OwnName)], null, CodingState.Waiting, "coded by 2 of 3 coders" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void An_answer_is_final_only_when_the_required_coders_agree_or_an_owner_adjudicated(string because, int required, CoderCode[] codes, CodeValue? value, CodingState state, string? missing)
    {
        var consensus = CodeConsensus.Of(codes, required);
        Assert.True(value == consensus.Value, $"{because}: value {consensus.Value}, expected {value}");
        Assert.True(state == consensus.State, $"{because}: state {consensus.State}, expected {state}");
        Assert.True(missing == consensus.Missing, $"{because}: missing '{consensus.Missing}', expected '{missing}'");
        Assert.Equal(value is not null, consensus.Final);
    }

    [Fact]
    public void An_adjudication_is_not_counted_as_a_coder()
    {
        var consensus = CodeConsensus.Of([Code("anna", CodeValue.OwnName), Code("ben", CodeValue.Other), Adjudicated("anna", CodeValue.OwnName)], 2);
        Assert.Equal(2, consensus.Coders);
        Assert.Equal("anna", consensus.Adjudication!.Coder);
        Assert.Equal(Noon.AddMinutes(10), consensus.Adjudication.At);
    }

    [Fact]
    public void Codes_read_in_words()
    {
        Assert.Equal(["own name", "other word", "unreadable"], Enum.GetValues<CodeValue>().Select(v => v.Words()));
    }

    [Fact]
    public void Zero_required_coders_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CodeConsensus.Of([], 0));
    }
}
