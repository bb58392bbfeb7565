using SelfRef.Core.Tasks.Pen.NameMatching;

// Namespace mirrors SelfRef.Core.Tasks.Pen.NameMatching, so "~NameMatch" selects all matcher tests.
namespace SelfRef.Core.Tests.Tasks.Pen.NameMatching;

/// <summary>What changes when a researcher makes the own-name match stricter or more lenient.</summary>
public class NameMatchOptionsTests
{
    [Fact]
    public void Lower_threshold_lets_Schmitt_count_for_Schmidt()
    {
        var lenient = new NameMatchOptions { Threshold = 0.94 };

        Assert.False(NameMatcher.Match("Schmitt", "Jan", "Schmidt").Matched, "default threshold already accepts Schmitt for Schmidt");
        Assert.True(NameMatcher.Match("Schmitt", "Jan", "Schmidt", lenient).Matched, "threshold 0.94 still rejects Schmitt (0.943) for Schmidt");
    }

    [Fact]
    public void Threshold_one_accepts_only_exact_spellings()
    {
        var exact = new NameMatchOptions { Threshold = 1 };

        Assert.False(NameMatcher.Match("Müler", "Anna", "Müller", exact).Matched, "a typo passed although only exact spellings should");
        Assert.True(NameMatcher.Match("Muller", "Anna", "Müller", exact).Matched, "a missing umlaut is normalisation, not a typo, and must still match");
    }

    [Fact]
    public void Accepting_longer_or_shorter_forms_lets_Julia_count_for_Julian()
    {
        var lenient = new NameMatchOptions { AcceptLongerOrShorterForms = true };

        var match = NameMatcher.Match("Julia", "Julian", "Wolf", lenient);

        Assert.True(match.Matched, $"Julia (score {match.Score:F3}) was not accepted for Julian although longer and shorter forms were allowed");
        Assert.Equal(NamePart.FirstName, match.Part);
    }

    [Fact]
    public void Short_name_rule_can_be_relaxed_so_Jon_counts_for_John()
    {
        var lenient = new NameMatchOptions { Threshold = 0.93, ExactOnlyUpToLength = 2 };

        Assert.True(NameMatcher.Match("Jon", "John", "Smith", lenient).Matched, "Jon (0.933) not accepted for John at threshold 0.93 without the short-name rule");
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    public void Threshold_outside_zero_to_one_is_refused(double threshold) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new NameMatchOptions { Threshold = threshold });
}
