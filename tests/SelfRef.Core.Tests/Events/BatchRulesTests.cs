using System.Text.Json;
using SelfRef.Core.Events;

namespace SelfRef.Core.Tests.Events;

public class BatchRulesTests
{
    private static ClientEvent Event(string type = "pen.point", string? data = """{"x":0.1,"y":0.2}""", double t = 12.5) =>
        new(t, type, data is null ? null : JsonDocument.Parse(data).RootElement.Clone());

    public static TheoryData<string, EventBatch?, string?> Cases => new()
    {
        { "a good batch", new EventBatch(1, "pen", [Event(), Event(t: 13)]), null },
        { "no batch", null, "empty" },
        { "sequence zero", new EventBatch(0, "pen", [Event()]), "seq must be 1 or more" },
        { "no events", new EventBatch(1, "pen", []), "at least one event" },
        { "too many events", new EventBatch(1, "pen", Enumerable.Repeat(Event(), BatchRules.MaxEvents + 1).ToList()), "too many events" },
        { "no step", new EventBatch(1, "", [Event()]), "no step" },
        { "a stream id with capitals", new EventBatch(1, "pen", [Event()], "Tab1"), "stream must be" },
        { "type with spaces", new EventBatch(1, "pen", [Event(type: "Pen Down")]), "events[0].type" },
        { "time not finite", new EventBatch(1, "pen", [Event(), Event(t: double.NaN)]), "events[1].t" },
        { "data not an object", new EventBatch(1, "pen", [Event(data: "[1,2]")]), "must be an object" },
        { "data too large", new EventBatch(1, "pen", [Event(data: $$"""{"s":"{{new string('x', BatchRules.MaxDataBytes)}}"}""")]), "larger than" },
        { "data nested too deep", new EventBatch(1, "pen", [Event(data: """{"a":{"b":{"c":{"d":{"e":{"f":{"g":1}}}}}}}""")]), "nested deeper" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Batches_are_checked_before_they_are_queued(string because, EventBatch? batch, string? problem)
    {
        var found = BatchRules.Problem(batch);
        if (problem is null) Assert.True(found is null, $"{because}: refused with '{found}'");
        else Assert.True(found?.Contains(problem) == true, $"{because}: expected '{problem}', got '{found}'");
    }
}

public class EventShapeTests
{
    [Theory]
    [InlineData("""{"index":1,"index":2}""", "data.index: is given twice")]
    [InlineData("""{"index":1e400}""", "data.index: expected a whole number")]
    [InlineData("""{"index":123456789012345678901234567890}""", "data.index: expected a whole number")]
    [InlineData("""{"index":1}""", null)]
    public void Step_onset_data_the_store_could_not_give_back_as_sent_is_refused(string data, string? problem)
    {
        var declared = CommonEvents.All.Single(e => e.Type == CommonEvents.Onset);
        var found = declared.Shape.Problem(JsonDocument.Parse(data).RootElement);
        if (problem is null) Assert.Null(found);
        else Assert.StartsWith(problem, found);
    }
}
