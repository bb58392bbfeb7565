using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Tasks;
using SelfRef.Core.Tasks.NameLetters;

namespace SelfRef.Core.Tests.Tasks.NameLetters;

/// <summary>The name-letter task's outcome from the events its page logs and the name given later.</summary>
public class NameLettersClassificationTests
{
    private const string Alphabet = "QWERTYUIOPASDFGHJKLZXCVBNM";

    private static readonly Experiment Experiment =
        ExperimentLoader.LoadFile(Path.Combine(SelfRef.Tests.Support.Repository.Root, "experiments", "name-letters.json")).Experiment!;

    private static TaskOutcome Derive(LetterEvents events, string? firstName, string? surname)
    {
        var answers = new Dictionary<string, string>();
        if (firstName is not null) answers["about-you.firstName"] = firstName;
        if (surname is not null) answers["about-you.surname"] = surname;
        var session = new Session { Id = "P-1", ExperimentId = Experiment.Id, Answers = answers };
        return NameLettersClassification.Outcome(new TaskEvidence(Experiment, session, Experiment.Step("letters"), events.Events, []));
    }

    private static double Chance(TaskOutcome outcome) => outcome.Number("chance") ?? double.NaN;

    [Fact]
    public void A_first_pick_of_an_own_initial_is_self_referential_against_a_chance_of_two_in_twenty_six()
    {
        var outcome = Derive(new LetterEvents().Load(Alphabet).Pick(1234.5, "M").Pick(2000, "Q").Pick(2600, "A"), "Anna", "Müller");
        Assert.True(outcome.SelfReference);
        Assert.Equal(1234.5, outcome.LatencyMs);
        Assert.Equal("initial of the surname", outcome.MatchDetail);
        Assert.Equal(2.0 / 26, Chance(outcome));
        Assert.Equal("M", outcome.Columns["first_letter"]);
        Assert.Equal(26, outcome.Number("letters_shown"));
        Assert.Equal(3, outcome.Number("picks"));
        Assert.Equal("mouse", outcome.PointerType);
    }

    [Fact]
    public void An_own_initial_picked_second_does_not_count()
    {
        var outcome = Derive(new LetterEvents().Load(Alphabet).Pick(900, "Q", "touch").Pick(1500, "A").Pick(1800, "M"), "Anna", "Müller");
        Assert.False(outcome.SelfReference);
        Assert.Equal("not an initial", outcome.MatchDetail);
        Assert.Equal(900, outcome.LatencyMs);
        Assert.Equal("Q", outcome.Columns["first_letter"]);
        Assert.Equal("touch", outcome.PointerType);
    }

    [Fact]
    public void A_first_letter_let_go_again_is_still_the_first_action_and_is_not_counted_among_the_picks()
    {
        var outcome = Derive(new LetterEvents().Load(Alphabet).Pick(700, "A").Unpick(1100, "A").Pick(1400, "Z").Pick(1500, "Z"), "Anna", "Müller");
        Assert.True(outcome.SelfReference);
        Assert.Equal("initial of the first name", outcome.MatchDetail);
        Assert.Equal(700, outcome.LatencyMs);
        Assert.Equal(1, outcome.Number("picks"));
    }

    [Fact]
    public void A_letter_both_names_begin_with_is_counted_once_in_the_chance()
    {
        var outcome = Derive(new LetterEvents().Load(Alphabet).Pick(800, "A"), "Anna", "Albers");
        Assert.True(outcome.SelfReference);
        Assert.Equal("initial of first name and surname", outcome.MatchDetail);
        Assert.Equal(1.0 / 26, Chance(outcome));
    }

    [Fact]
    public void Double_and_prefixed_names_give_more_initials_and_so_a_higher_chance()
    {
        // Anne-Marie van der Berg: a, m, v, b (not d).
        var outcome = Derive(new LetterEvents().Load(Alphabet).Pick(800, "D"), "Anne-Marie", "van der Berg");
        Assert.False(outcome.SelfReference);
        Assert.Equal(4.0 / 26, Chance(outcome));
        Assert.True(Derive(new LetterEvents().Load(Alphabet).Pick(800, "B"), "Anne-Marie", "van der Berg").SelfReference);
        Assert.True(Derive(new LetterEvents().Load(Alphabet).Pick(800, "V"), "Anne-Marie", "van der Berg").SelfReference);
        Assert.True(Derive(new LetterEvents().Load(Alphabet).Pick(800, "M"), "Anne-Marie", "van der Berg").SelfReference);
    }

    [Fact]
    public void Umlauts_in_the_grid_and_in_the_name_fold_alike()
    {
        // Both O and Ö are Özlem's initial, T is Türeci's; A, Ä and Ü are neither: 3 of 29 letters.
        const string grid = Alphabet + "ÄÖÜ";
        var outcome = Derive(new LetterEvents().Load(grid).Pick(650, "O"), "Özlem", "Türeci");
        Assert.True(outcome.SelfReference);
        Assert.Equal(3.0 / 29, Chance(outcome));
        Assert.True(Derive(new LetterEvents().Load(grid).Pick(650, "Ö"), "Özlem", "Türeci").SelfReference);
        Assert.False(Derive(new LetterEvents().Load(grid).Pick(650, "Ü"), "Özlem", "Türeci").SelfReference);
        Assert.False(Derive(new LetterEvents().Load(grid).Pick(650, "Ä"), "Özlem", "Türeci").SelfReference);
    }

    /// <summary>The chance is what a first pick at random would hit: every letter of the grid tried as the first pick.</summary>
    [Theory]
    [InlineData("Anna", "Müller")]
    [InlineData("Anne-Marie", "van der Berg")]
    [InlineData("Özlem", "Türeci")]
    [InlineData("Ursula", "Ulbricht")]
    public void The_chance_is_the_share_of_first_picks_that_would_be_self_referential(string firstName, string surname)
    {
        const string grid = Alphabet + "ÄÖÜ";
        var outcomes = grid.Select(letter => Derive(new LetterEvents().Load(grid).Pick(500, letter.ToString()), firstName, surname)).ToList();
        var hits = outcomes.Count(o => o.SelfReference == true);
        Assert.All(outcomes, o => Assert.Equal((double)hits / grid.Length, Chance(o), 12));
    }

    [Fact]
    public void After_a_reload_in_another_tab_the_first_pick_is_read_against_the_grid_that_tab_showed()
    {
        // The first tab showed the grid and nothing was picked; the second tab (2 s later) drew another
        // order of other letters, and the first pick came there.
        var events = new LetterEvents()
            .Load("ABCDEFGH", 0, "tab1")
            .Load("MNOPQRSTUVWXYZ", 2000, "tab2").Pick(300, "M");
        var outcome = Derive(events, "Anna", "Müller");
        Assert.True(outcome.SelfReference);
        Assert.Equal(2300, outcome.LatencyMs);
        Assert.Equal(14, outcome.Number("letters_shown"));
        Assert.Equal(1.0 / 14, Chance(outcome));
    }

    [Fact]
    public void Picks_before_and_after_a_reload_count_from_the_first_onset()
    {
        var events = new LetterEvents()
            .Load(Alphabet, 0, "tab").Pick(1500, "K")
            .Load(Alphabet, 4000, "tab").Pick(200, "A").Unpick(300, "K");
        var outcome = Derive(events, "Anna", "Müller");
        Assert.False(outcome.SelfReference);
        Assert.Equal(1500, outcome.LatencyMs);
        Assert.Equal(1, outcome.Number("picks"));
    }

    [Fact]
    public void Nothing_picked_is_no_action()
    {
        var outcome = Derive(new LetterEvents().Load(Alphabet), "Anna", "Müller");
        Assert.Null(outcome.SelfReference);
        Assert.Equal("no action", outcome.MissingReason);
        Assert.Null(outcome.LatencyMs);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", " ")]
    [InlineData("–", "123")]
    public void Without_a_name_the_first_pick_cannot_be_classified(string? firstName, string? surname)
    {
        var outcome = Derive(new LetterEvents().Load(Alphabet).Pick(900, "A"), firstName, surname);
        Assert.Null(outcome.SelfReference);
        Assert.Equal("no name given", outcome.MissingReason);
        Assert.Equal(900, outcome.LatencyMs);
        Assert.Null(outcome.Number("chance"));
    }

    [Fact]
    public void A_name_whose_initials_the_grid_does_not_show_has_chance_zero_and_no_classification()
    {
        var outcome = Derive(new LetterEvents().Load(Alphabet).Pick(900, "I"), "Иван", "Петров");
        Assert.Null(outcome.SelfReference);
        Assert.Equal("no initial among the letters shown", outcome.MissingReason);
        Assert.Equal(0, outcome.Number("chance"));
    }

    [Fact]
    public void A_first_letter_that_was_not_shown_spoils_only_this_outcome()
    {
        var outcome = Derive(new LetterEvents().Load("ABC").Pick(900, "M"), "Anna", "Müller");
        Assert.Null(outcome.SelfReference);
        Assert.Equal("the first letter picked is not among the letters shown", outcome.MissingReason);
    }

    [Fact]
    public void Only_the_first_letter_identifies_and_goes_when_the_identifiers_go()
    {
        var step = Experiment.Step("letters");
        var outcome = Derive(new LetterEvents().Load(Alphabet).Pick(1000, "M"), "Anna", "Müller");
        var kept = NameLettersTask.Type.WithoutIdentifiers(step, outcome);
        Assert.False(kept.Columns.ContainsKey("first_letter"));
        Assert.Equal(2.0 / 26, kept.Number("chance"));
        Assert.True(kept.SelfReference);
        Assert.Equal("initial of the surname", kept.MatchDetail);
        Assert.Equal(["first_letter"], NameLettersTask.Type.Columns.Where(c => c.Identifying).Select(c => c.Name));
        Assert.Equal("chance", Assert.Single(NameLettersTask.Type.Columns, c => c.Role == OutcomeColumnRole.Chance).Name);
    }
}
