using SelfRef.Core.Tasks.Pen;

namespace SelfRef.Core.Tests.Tasks.Pen;

public class FirstWordSegmentationTests
{
    private const double Gap = 1000, Lines = 1.2;

    public static TheoryData<string, PenEvents, int[], WordEnd> Cases => new()
    {
        { "one stroke only", new PenEvents().Stroke(500, 300, .1, .2, .2, .25), [0], WordEnd.EndOfWriting },
        { "letters close in time form one word", new PenEvents().Stroke(500, 300, .1, .2, .12, .25).Stroke(900, 200, .13, .2, .15, .25).Stroke(1200, 150, .16, .2, .18, .25), [0, 1, 2], WordEnd.EndOfWriting },
        { "a pause longer than the gap ends the word", new PenEvents().Stroke(500, 300, .1, .2, .12, .25).Stroke(900, 200, .13, .2, .15, .25).Stroke(2101, 150, .3, .2, .35, .25), [0, 1], WordEnd.Pause },
        { "a pause of exactly the gap does not", new PenEvents().Stroke(500, 300, .1, .2, .12, .25).Stroke(1800, 200, .13, .2, .15, .25), [0, 1], WordEnd.EndOfWriting },
        { "a stroke on the next line ends the word", new PenEvents().Stroke(500, 300, .1, .2, .12, .25).Stroke(900, 200, .1, .4, .12, .45), [0], WordEnd.NewLine },
        { "an i-dot above the word stays in it", new PenEvents().Stroke(500, 300, .1, .2, .12, .25).Stroke(900, 50, .11, .17, .11, .171), [0, 1], WordEnd.EndOfWriting },
        { "a descender a little lower stays in it", new PenEvents().Stroke(500, 300, .1, .2, .12, .25).Stroke(900, 200, .13, .22, .14, .29), [0, 1], WordEnd.EndOfWriting },
        { "a dot then a line far below", new PenEvents().Stroke(500, 10, .1, .2, .1, .2).Stroke(700, 200, .1, .3, .2, .31), [0], WordEnd.NewLine },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_first_word_is_the_strokes_before_the_first_pause_or_new_line(string because, PenEvents events, int[] strokes, WordEnd end)
    {
        var word = FirstWordSegmentation.Find(PenStrokes.From(events.Events), Gap, Lines);
        Assert.NotNull(word);
        Assert.True(strokes.SequenceEqual(word.Strokes), $"{because}: first word was strokes {string.Join(",", word.Strokes)}");
        Assert.Equal(end, word.EndedBy);
    }

    [Fact]
    public void The_first_word_knows_its_box_start_and_duration()
    {
        var events = new PenEvents().Stroke(480, 300, .1, .2, .12, .25).Stroke(900, 200, .13, .21, .15, .26).Stroke(3000, 100, .5, .2, .6, .25);
        var word = FirstWordSegmentation.Find(PenStrokes.From(events.Events), Gap, Lines)!;
        Assert.Equal(new Box(.1, .2, .15, .26), word.Box with { });
        Assert.Equal(480, word.StartMs);
        Assert.Equal(1100, word.EndMs, 6);
        Assert.Equal(620, word.DurationMs, 6);
    }

    [Fact]
    public void No_strokes_no_word() => Assert.Null(FirstWordSegmentation.Find([], Gap, Lines));

    [Fact]
    public void Strokes_keep_every_point_with_its_time()
    {
        var strokes = PenStrokes.From(new PenEvents().Stroke(100, 50, 0, 0, .5, .5, "pen").Events);
        var stroke = Assert.Single(strokes);
        Assert.Equal("pen", stroke.PointerType);
        Assert.Equal(6, stroke.Points.Count);
        Assert.Equal([100.0, 110, 120, 130, 140, 150], stroke.Points.Select(p => Math.Round(p.T, 6)));
    }
}
