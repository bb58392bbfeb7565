using SelfRef.Core.Coding;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;
using SelfRef.Core.Tasks;

namespace SelfRef.Core.Tests.Privacy;

public class RetentionRulesTests
{
    private static readonly DateTime Ended = new(2025, 5, 1, 12, 0, 0, DateTimeKind.Utc);

    private static Experiment With(string file, PrivacySettings privacy) =>
        ExperimentLoader.LoadFile(Path.Combine(SelfRef.Tests.Support.Repository.Root, "experiments", file)).Experiment! with { Privacy = privacy };

    private static Session Completed(Experiment e) => new()
    {
        Id = "P-1", ExperimentId = e.Id, Status = SessionStatus.Completed, Steps = ["consent", "intro", "pen", "about-you", "debrief"],
        StepIndex = 4, EndedAt = Ended, LastSeenAt = Ended,
        // Something was written on the sheet: a coder must look at it.
        Outcomes = new() { ["pen"] = new StoredOutcome { Task = "pen", LatencyMs = 10, MissingReason = "not coded" } },
    };


    private static CoderCode Code(string coder, CodeValue value) => new() { SessionId = "P-1", StepId = "pen", Coder = coder, Value = value };

    [Fact]
    public void The_default_is_after_coding_for_handwriting_and_after_the_outcome_otherwise()
    {
        Assert.Equal(IdentifierRetention.AfterCoding, With("gallup-pen.json", new()).Privacy.Effective(With("gallup-pen.json", new())));
        var keyboard = With("gallup-pen-keyboard.json", new());
        Assert.Equal(IdentifierRetention.AfterOutcome, keyboard.Privacy.Effective(keyboard));
        Assert.True(RetentionPass.Ended(keyboard, Completed(keyboard), [], Ended));
    }

    [Fact]
    public void After_days_counts_from_the_end_of_the_session()
    {
        var e = With("gallup-pen.json", new() { DeleteIdentifiers = IdentifierRetention.AfterDays, Days = 14 });
        Assert.False(RetentionPass.Ended(e, Completed(e), [], Ended.AddDays(14).AddSeconds(-1)));
        Assert.True(RetentionPass.Ended(e, Completed(e), [], Ended.AddDays(14)));
        Assert.False(RetentionPass.Ended(e, Completed(e) with { Status = SessionStatus.Active }, [], Ended.AddDays(400)));
    }

    [Fact]
    public void After_coding_waits_for_enough_agreeing_coders_unless_the_sheet_was_blank()
    {
        var e = With("gallup-pen.json", new() { Coders = 2 });
        var session = Completed(e);
        Assert.False(RetentionPass.Ended(e, session, [Code("a", CodeValue.OwnName)], Ended));
        Assert.False(RetentionPass.Ended(e, session, [Code("a", CodeValue.OwnName), Code("b", CodeValue.Other)], Ended));
        Assert.True(RetentionPass.Ended(e, session, [Code("a", CodeValue.Unreadable), Code("b", CodeValue.Unreadable)], Ended));
        Assert.True(RetentionPass.Ended(e, session with { Outcomes = new() { ["pen"] = new StoredOutcome { MissingReason = "no action" } } }, [], Ended));
        var one = With("gallup-pen.json", new() { Coders = 1 });
        Assert.True(RetentionPass.Ended(one, Completed(one), [Code("a", CodeValue.Other)], Ended));
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
