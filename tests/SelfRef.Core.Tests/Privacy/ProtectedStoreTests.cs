using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SelfRef.Core.Coding;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Tests.Storage;

namespace SelfRef.Core.Tests.Privacy;

public class ProtectedStoreTests
{
    /// <summary>A stand-in cipher (base64 of the reversed text, tagged): enough to see what was and was not protected.</summary>
    private sealed class ReversingProtector : IIdentifierProtector
    {
        public int Calls;
        public string Protect(string plain) { Calls++; return "R" + Convert.ToBase64String(Encoding.UTF8.GetBytes(new string(plain.Reverse().ToArray()))); }
        public string Unprotect(string text) => text.StartsWith('R')
            ? new string(Encoding.UTF8.GetString(Convert.FromBase64String(text[1..])).Reverse().ToArray())
            : throw new CryptographicException("not mine");
    }

    private static Experiment Shipped(string file) => ExperimentLoader.LoadFile(Path.Combine(SelfRef.Tests.Support.Repository.Root, "experiments", file)).Experiment!;

    private static ClientEvent Event(double t, string type, string data) => new(t, type, JsonDocument.Parse(data).RootElement.Clone());

    private static string Raw(string path)
    {
        var text = new StringBuilder();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path) + "*.db"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            text.Append(Encoding.Latin1.GetString(copy.ToArray()));
        }
        return text.ToString();
    }

    [Fact]
    public async Task Identifying_answers_recruitment_and_event_fields_are_stored_encrypted_and_read_plain()
    {
        using var temp = new TempDatabase();
        var map = Shipped("gallup-map.json");
        var protector = new ReversingProtector();
        using var store = new ProtectedStore(new LiteDbStore(temp.Path), protector, [map]);
        var session = new Session
        {
            Id = "P-TEST", Token = "tok", ExperimentId = map.Id, Steps = ["consent", "intro", "map", "about-you", "debrief"],
            Recruitment = new() { ["PROLIFIC_PID"] = "Recruit0815" },
            Answers = new() { ["about-you.hometown"] = "Quedlinburg", ["about-you.age"] = "41" },
        };
        await store.InsertSession(session);
        await store.Append("P-TEST", new EventBatch(1, "map",
        [
            Event(5, "map.view", """{"lat":30,"lng":10,"zoom":2}"""),
            Event(9, "map.search.choose", """{"id":2851465,"name":"Quedlinburg","q":"Quedl","rank":0,"lat":51.78843,"lng":11.15006}"""),
        ]));
        protector.Calls = 0;
        await store.Append("P-TEST", new EventBatch(3, "map", [Event(12, "map.view", """{"lat":31,"lng":11,"zoom":3}""")]));
        Assert.Equal(0, protector.Calls);

        var back = store.FindSessionByToken("tok")!;
        Assert.Equal("Quedlinburg", back.Answers["about-you.hometown"]);
        Assert.Equal("41", back.Answers["about-you.age"]);
        Assert.Equal("Recruit0815", back.Recruitment["PROLIFIC_PID"]);
        var choose = JsonDocument.Parse(store.Events("P-TEST").SelectMany(b => b.Events).Single(e => e.Type == "map.search.choose").DataJson!).RootElement;
        Assert.Equal(51.78843, choose.GetProperty("lat").GetDouble());
        Assert.Equal(2851465, choose.GetProperty("id").GetInt32());
        Assert.Equal(0, choose.GetProperty("rank").GetInt32());

        // Underneath, nothing identifying is plain; what is not identifying is.
        var inner = ((ProtectedStore)store).Inner;
        Assert.StartsWith(ProtectedStore.Marker, inner.FindSession("P-TEST")!.Answers["about-you.hometown"]);
        Assert.Equal("41", inner.FindSession("P-TEST")!.Answers["about-you.age"]);
        var raw = Raw(temp.Path);
        foreach (var secret in new[] { "Quedlinburg", "Quedl", "Recruit0815", "51.78843", "2851465" }) Assert.DoesNotContain(secret, raw);
    }

    [Fact]
    public async Task Text_that_looks_encrypted_is_taken_literally_outside_identifying_places_and_wrapped_inside()
    {
        using var temp = new TempDatabase();
        var map = Shipped("gallup-map.json");
        using var store = new ProtectedStore(new LiteDbStore(temp.Path), new ReversingProtector(), [map]);
        var sly = ProtectedStore.Marker + "Rnonsense";
        await store.InsertSession(new Session
        {
            Id = "P-SLY", Token = "sly", ExperimentId = map.Id, Steps = ["consent"],
            Answers = new() { ["about-you.hometown"] = sly, ["about-you.age"] = sly },
        });
        var back = store.FindSession("P-SLY")!;
        Assert.Equal(sly, back.Answers["about-you.hometown"]);
        Assert.Equal(sly, back.Answers["about-you.age"]);
    }

    [Fact]
    public async Task Keys_that_do_not_fit_fail_with_a_message_naming_the_key_folder()
    {
        using var temp = new TempDatabase();
        var map = Shipped("gallup-map.json");
        using (var store = new ProtectedStore(new LiteDbStore(temp.Path), new ReversingProtector(), [map]))
            await store.InsertSession(new Session { Id = "P-K", Token = "k", ExperimentId = map.Id, Steps = ["consent"], Recruitment = new() { ["PROLIFIC_PID"] = "x" } });
        using var reopened = new ProtectedStore(new LiteDbStore(temp.Path), new WrongKeys(), [map]);
        var error = Assert.Throws<CryptographicException>(() => reopened.FindSession("P-K"));
        Assert.Contains("key folder", error.Message);
    }

    [Fact]
    public async Task Typed_text_stays_readable_after_a_restart_for_new_sessions_and_for_sessions_stored_before_keys()
    {
        using var temp = new TempDatabase();
        var keyboard = Shipped("gallup-pen-keyboard.json");
        var protector = new ReversingProtector();
        var steps = new List<string> { "consent", "intro", "pen", "about-you", "debrief" };
        using (var store = new ProtectedStore(new LiteDbStore(temp.Path), protector, [keyboard]))
        {
            // New, with nothing identifying yet; and one written before sessions had keys.
            await store.InsertSession(new Session { Id = "P-NEW", Token = "new", ExperimentId = keyboard.Id, Steps = steps, StepIndex = 2 });
            await store.Inner.InsertSession(new Session { Id = "P-OLD", Token = "old", ExperimentId = keyboard.Id, Steps = steps, StepIndex = 2 });
            foreach (var id in new[] { "P-NEW", "P-OLD" })
                await store.Append(id, new EventBatch(1, "pen", [Event(3, "text.input", """{"text":"Wilhelmina"}""")]));
        }
        Assert.DoesNotContain("Wilhelmina", Raw(temp.Path));
        using var reopened = new ProtectedStore(new LiteDbStore(temp.Path), protector, [keyboard]);
        foreach (var id in new[] { "P-NEW", "P-OLD" })
            Assert.Contains("Wilhelmina", reopened.Events(id).Single().Events.Single().DataJson);
    }

    private sealed class WrongKeys : IIdentifierProtector
    {
        public string Protect(string plain) => plain;
        public string Unprotect(string text) => throw new CryptographicException("The key was not found in the key ring.");
    }
}

public class RetentionRulesTests
{
    private static readonly DateTime Ended = new(2025, 5, 1, 12, 0, 0, DateTimeKind.Utc);

    private static Experiment With(string file, PrivacySettings privacy) =>
        ExperimentLoader.LoadFile(Path.Combine(SelfRef.Tests.Support.Repository.Root, "experiments", file)).Experiment! with { Privacy = privacy };

    private static Session Completed(Experiment e) => new()
    {
        Id = "P-1", ExperimentId = e.Id, Status = SessionStatus.Completed, Steps = ["consent", "intro", "pen", "about-you", "debrief"],
        StepIndex = 4, EndedAt = Ended, LastSeenAt = Ended,
    };

    private static readonly IReadOnlyList<StoredBatch> Strokes =
    [
        new("P-1", "", 1, 2, "pen", Ended, [new StoredEvent(1, 10, "pen.down", """{"s":0,"pt":"pen","x":0.1,"y":0.2}"""), new StoredEvent(2, 50, "pen.up", """{"s":0}""")]),
    ];

    private static CoderCode Code(string coder, CodeValue value) => new() { SessionId = "P-1", StepId = "pen", Coder = coder, Value = value };

    [Fact]
    public void The_default_is_after_coding_for_handwriting_and_after_the_outcome_otherwise()
    {
        Assert.Equal(IdentifierRetention.AfterCoding, With("gallup-pen.json", new()).Privacy.Effective(With("gallup-pen.json", new())));
        var keyboard = With("gallup-pen-keyboard.json", new());
        Assert.Equal(IdentifierRetention.AfterOutcome, keyboard.Privacy.Effective(keyboard));
        Assert.True(RetentionPass.Ended(keyboard, Completed(keyboard), [], () => [], Ended));
    }

    [Fact]
    public void After_days_counts_from_the_end_of_the_session()
    {
        var e = With("gallup-pen.json", new() { DeleteIdentifiers = IdentifierRetention.AfterDays, Days = 14 });
        Assert.False(RetentionPass.Ended(e, Completed(e), [], () => Strokes, Ended.AddDays(14).AddSeconds(-1)));
        Assert.True(RetentionPass.Ended(e, Completed(e), [], () => Strokes, Ended.AddDays(14)));
        Assert.False(RetentionPass.Ended(e, Completed(e) with { Status = SessionStatus.Active }, [], () => Strokes, Ended.AddDays(400)));
    }

    [Fact]
    public void After_coding_waits_for_enough_agreeing_coders_unless_the_sheet_was_blank()
    {
        var e = With("gallup-pen.json", new() { Coders = 2 });
        var session = Completed(e);
        Assert.False(RetentionPass.Ended(e, session, [Code("a", CodeValue.OwnName)], () => Strokes, Ended));
        Assert.False(RetentionPass.Ended(e, session, [Code("a", CodeValue.OwnName), Code("b", CodeValue.Other)], () => Strokes, Ended));
        Assert.True(RetentionPass.Ended(e, session, [Code("a", CodeValue.Unreadable), Code("b", CodeValue.Unreadable)], () => Strokes, Ended));
        Assert.True(RetentionPass.Ended(e, session, [], () => [], Ended));
        var one = With("gallup-pen.json", new() { Coders = 1 });
        Assert.True(RetentionPass.Ended(one, Completed(one), [Code("a", CodeValue.Other)], () => Strokes, Ended));
    }

    [Theory]
    [InlineData("7kq2 m9xz 0abc defg", "7KQ2-M9XZ-0ABC-DEFG")]
    [InlineData("7KQ2-M9XZ-OABC-DEFG", "7KQ2-M9XZ-0ABC-DEFG")]
    [InlineData("iL00-0000-0000-0000", "1100-0000-0000-0000")]
    [InlineData("short", "SH0RT")]
    public void Withdrawal_codes_are_read_as_issued(string typed, string issued) =>
        Assert.Equal(issued, Secrets.NormalizeWithdrawalCode(typed));

    [Fact]
    public void Withdrawal_codes_have_80_random_bits_in_four_groups()
    {
        var codes = Enumerable.Range(0, 1000).Select(_ => Secrets.WithdrawalCode()).ToList();
        Assert.All(codes, c => Assert.Matches("^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$", c));
        Assert.Equal(1000, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Equal(c, Secrets.NormalizeWithdrawalCode(c)));
    }
}
