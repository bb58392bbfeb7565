using SelfRef.Core.Tasks.Pen;

namespace SelfRef.Core.Tests.Tasks.Pen;

public class KeyboardFirstTokenTests
{
    private static PenEvents Typing(params (double T, string Text)[] states)
    {
        var events = new PenEvents();
        foreach (var (t, text) in states) events.Typed(t, text);
        return events;
    }

    public static TheoryData<string, PenEvents, string?, WordEnd?> Cases => new()
    {
        { "a name then a space", Typing((800, "A"), (950, "An"), (1100, "Ann"), (1250, "Anna"), (1400, "Anna "), (1600, "Anna M")), "Anna", WordEnd.Pause },
        { "a name typed and then deleted", Typing((800, "J"), (900, "Jo"), (1000, "Jon"), (1400, "Jo"), (1500, "J"), (1600, ""), (2000, "h"), (2100, "hi")), "Jon", WordEnd.Pause },
        { "a pause longer than the gap", Typing((800, "Hal"), (900, "Hallo"), (2500, "HalloWelt")), "Hallo", WordEnd.Pause },
        { "a line break", Typing((800, "Ö"), (900, "Öz"), (1000, "Öz\n")), "Öz", WordEnd.NewLine },
        { "leading spaces are not a word", Typing((800, " "), (900, "  "), (1000, "  x"), (1100, "  xy")), "xy", WordEnd.EndOfWriting },
        { "a word changed in the middle", Typing((800, "Mat"), (900, "Mart")), "Mat", WordEnd.Pause },
        { "nothing typed", Typing(), null, null },
        { "pasted text", Typing((800, "Lea Schmidt")), "Lea", WordEnd.Pause },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_first_token_is_fixed_at_a_space_an_edit_or_a_pause(string because, PenEvents events, string? token, WordEnd? end)
    {
        var first = KeyboardFirstToken.Find(events.Events, 1000);
        Assert.True(first?.Text == token, $"{because}: first token was '{first?.Text}'");
        Assert.Equal(end, first?.EndedBy);
    }

    [Fact]
    public void The_keyboard_outcome_has_the_latency_of_the_first_key()
    {
        var step = new SelfRef.Core.Tasks.Pen.PenStep { Id = "pen", Instruction = new() { ["en"] = "Type something." }, Input = PenInput.Keyboard };
        var outcome = PenOutcome.Extract(step, Typing((1234.5, "P"), (1400, "Pe"), (1500, "Pe ")).Events);
        Assert.Equal(1234.5, outcome.LatencyMs);
        Assert.Equal("Pe", outcome.FirstToken!.Text);
    }
}
