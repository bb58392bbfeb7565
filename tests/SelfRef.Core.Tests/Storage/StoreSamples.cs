using System.Text.Json;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;

namespace SelfRef.Core.Tests.Storage;

/// <summary>Sessions and batches of the shipped map study with identifying answers and fields, for the store tests.</summary>
internal static class StoreSamples
{
    public static readonly Experiment Map = Shipped("gallup-map.json");
    public static readonly Experiment Keyboard = Shipped("gallup-pen-keyboard.json");

    /// <summary>What identifies in the map and keyboard studies.</summary>
    public static IdentifyingData Identifying => new([Map, Keyboard]);

    private static Experiment Shipped(string file) => ExperimentLoader.LoadFile(Path.Combine(SelfRef.Tests.Support.Repository.Root, "experiments", file)).Experiment!;

    public static ClientEvent Event(double t, string type, string data) => new(t, type, JsonDocument.Parse(data).RootElement.Clone());

    public static Session MapSession(string id, string token, string town, string recruit) => new()
    {
        Id = id, Token = token, ExperimentId = Map.Id, Steps = ["consent", "intro", "map", "about-you", "debrief"], StepIndex = 3,
        WithdrawalCode = "CODE-" + token.ToUpperInvariant(),
        Recruitment = new() { ["PROLIFIC_PID"] = recruit },
        Answers = new() { ["about-you.hometown"] = town, ["about-you.age"] = "Siebenundvierzig" },
    };

    public static EventBatch Searched(string town) => new(1, "map",
    [
        Event(5, "map.view", """{"lat":30.123456,"lng":10.654321,"zoom":2,"wall":1796144067426}"""),
        Event(9, "map.search.choose", $$"""{"id":2851465,"name":"{{town}}","q":"{{town[..5]}}","rank":0,"lat":51.78843,"lng":11.15006}"""),
    ]);
}
