using SelfRef.Core.Tasks.Pen.NameMatching;

// Namespace mirrors SelfRef.Core.Tasks.Pen.NameMatching, so "~NameMatch" selects all matcher tests.
namespace SelfRef.Core.Tests.Tasks.Pen.NameMatching;

/// <summary>
/// The own-name match for the keyboard variant of the pen task: one row per answer a
/// researcher would recognise, with the name the participant gave in the questionnaire.
/// </summary>
public class NameMatcherTests
{
    private const bool Own = true;
    private const bool NotOwn = false;

    public static TheoryData<string, string, string, bool, NamePart, string> Answers => new()
    {
        // German umlauts and ß, typed on whatever keyboard the participant has
        { "Müller", "Anna", "Müller", Own, NamePart.Surname, "typed with the umlaut" },
        { "Mueller", "Anna", "Müller", Own, NamePart.Surname, "ü typed as ue" },
        { "Muller", "Anna", "Müller", Own, NamePart.Surname, "ü typed as u on an English keyboard" },
        { "MÜLLER", "Anna", "Müller", Own, NamePart.Surname, "written in capitals" },
        { "Müller", "Anna", "Mueller", Own, NamePart.Surname, "the questionnaire answer was the one without umlaut" },
        { "Strauss", "Johann", "Strauß", Own, NamePart.Surname, "ß typed as ss" },
        { "STRAUẞ", "Johann", "Strauss", Own, NamePart.Surname, "capital ẞ on the sheet, ss in the questionnaire" },
        { "Juergen", "Jürgen", "Weiß", Own, NamePart.FirstName, "ü typed as ue in a first name" },
        { "Oezdemir", "Cem", "Özdemir", Own, NamePart.Surname, "Ö typed as Oe" },
        { "Müler", "Anna", "Müller", Own, NamePart.Surname, "a dropped letter in a long name is a typo" },
        { "Schnieder", "Jan", "Schneider", Own, NamePart.Surname, "two letters swapped is a typo" },
        { "Muller", "Anna", "Mueller", NotOwn, NamePart.None, "ue typed in the questionnaire is taken as written: there are real Muellers" },

        // Double first names
        { "Anna-Lena", "Anna-Lena", "Schmidt", Own, NamePart.FirstName, "the double name as given" },
        { "Anna Lena", "Anna-Lena", "Schmidt", Own, NamePart.FirstName, "space instead of hyphen" },
        { "AnnaLena", "Anna-Lena", "Schmidt", Own, NamePart.FirstName, "written as one word" },
        { "Anna", "Anna-Lena", "Schmidt", Own, NamePart.FirstNamePart, "the first half of a double name" },
        { "Lena", "Anna-Lena", "Schmidt", Own, NamePart.FirstNamePart, "the second half of a double name" },
        { "Ole", "Jan-Ole", "Hansen", Own, NamePart.FirstNamePart, "a short half, written exactly" },
        { "Ann", "Anna-Lena", "Schmidt", NotOwn, NamePart.None, "false friend: Ann is another name, not a part of Anna-Lena" },

        // Compound surnames and nobiliary particles
        { "Schnarrenberger", "Sabine", "Leutheusser-Schnarrenberger", Own, NamePart.SurnamePart, "one half of a double surname" },
        { "von der Leyen", "Ursula", "von der Leyen", Own, NamePart.Surname, "surname with particles" },
        { "vonderLeyen", "Ursula", "von der Leyen", Own, NamePart.Surname, "particles run together" },
        { "Leyen", "Ursula", "von der Leyen", Own, NamePart.SurnamePart, "surname without its particles" },
        { "von", "Ursula", "von der Leyen", NotOwn, NamePart.None, "a particle alone is nobody's name" },
        { "Ursula von der Leyen", "Ursula", "von der Leyen", Own, NamePart.FullName, "full name with particles" },

        // International names
        { "Yilmaz", "Ayşe", "Yılmaz", Own, NamePart.Surname, "Turkish dotless ı typed as i" },
        { "Ayse", "Ayşe", "Yılmaz", Own, NamePart.FirstName, "Turkish ş typed as s" },
        { "IPEK", "İpek", "Kaya", Own, NamePart.FirstName, "Turkish capital İ" },
        { "Lukasz", "Łukasz", "Wiśniewski", Own, NamePart.FirstName, "Polish ł typed as l" },
        { "Wisniewski", "Łukasz", "Wiśniewski", Own, NamePart.Surname, "Polish ś typed as s" },
        { "Francois", "François", "Lefèvre", Own, NamePart.FirstName, "French ç typed as c" },
        { "Nunez", "José", "Núñez", Own, NamePart.Surname, "Spanish ñ and ú typed plainly" },
        { "Garcia", "Gabriel", "García Márquez", Own, NamePart.SurnamePart, "first of two Spanish surnames" },
        { "Gabriel Garcia Marquez", "Gabriel", "García Márquez", Own, NamePart.FullName, "Spanish full name without accents" },
        { "Soren", "Søren", "Kierkegaard", Own, NamePart.FirstName, "Danish ø typed as o" },
        { "Soeren", "Søren", "Kierkegaard", Own, NamePart.FirstName, "Danish ø typed as oe" },
        { "Aase", "Åse", "Nilsen", Own, NamePart.FirstName, "Norwegian å typed as aa" },
        { "Nguyen", "Thi Mai", "Nguyễn", Own, NamePart.Surname, "Vietnamese tone marks left out" },
        { "Mai", "Thi Mai", "Nguyễn", Own, NamePart.FirstNamePart, "Vietnamese given name without the middle name" },
        { "Dang", "Van Minh", "Đặng", Own, NamePart.Surname, "Vietnamese đ typed as d" },
        { "O'Connor", "Siobhán", "O'Connor", Own, NamePart.Surname, "Irish name with apostrophe" },
        { "OConnor", "Siobhán", "O’Connor", Own, NamePart.Surname, "apostrophe left out" },
        { "O Connor", "Siobhán", "O'Connor", Own, NamePart.Surname, "space instead of apostrophe" },
        { "Connor", "Siobhán", "O'Connor", NotOwn, NamePart.None, "false friend: Connor is a different name from O'Connor" },
        { "Siobhan", "Siobhán", "O'Connor", Own, NamePart.FirstName, "Irish fada left out" },

        // Near misses that are other people's names
        { "Hanna", "Anna", "Schulz", NotOwn, NamePart.None, "false friend: Hanna is another name" },
        { "Anna", "Hanna", "Schulz", NotOwn, NamePart.None, "false friend: Anna is another name" },
        { "Jon", "John", "Smith", NotOwn, NamePart.None, "false friend: Jon is another name, and short names must be exact" },
        { "Julia", "Julian", "Wolf", NotOwn, NamePart.None, "false friend: a name and its form with one more letter" },
        { "Christiane", "Christian", "Wolf", NotOwn, NamePart.None, "false friend: female and male form" },
        { "Marie", "Maria", "Schulz", NotOwn, NamePart.None, "false friend: Marie is another name" },
        { "Lara", "Laura", "Schulz", NotOwn, NamePart.None, "false friend: Lara is another name" },
        { "Schmitt", "Jan", "Schmidt", NotOwn, NamePart.None, "false friend: Schmitt is another family" },
        { "Sofie", "Sophie", "Schulz", NotOwn, NamePart.None, "spelling variants are other names" },
        { "Ava", "Eva", "Braun", NotOwn, NamePart.None, "short names must be exact" },
        { "Hans", "Johannes", "Schulz", NotOwn, NamePart.None, "nicknames are out of scope" },
        { "Hofmann", "Eva", "Hoffmann", Own, NamePart.Surname, "accepted: one doubled letter in a long name counts as a typo" },

        // Initials, full names, order
        { "AM", "Anna", "Müller", Own, NamePart.Initials, "initials in capitals" },
        { "A.M.", "Anna", "Müller", Own, NamePart.Initials, "initials with dots" },
        { "a. m.", "Anna", "Müller", Own, NamePart.Initials, "separate initials in lower case" },
        { "ALM", "Anna-Lena", "Müller", Own, NamePart.Initials, "initials of a double first name" },
        { "am", "Anna", "Müller", NotOwn, NamePart.None, "'am' is a word, not initials" },
        { "MA", "Anna", "Müller", NotOwn, NamePart.None, "initials only count in first-name–surname order" },
        { "Anna Müller", "Anna", "Müller", Own, NamePart.FullName, "first name then surname" },
        { "Müller Anna", "Anna", "Müller", Own, NamePart.FullName, "surname first" },
        { "Müller, Anna", "Anna", "Müller", Own, NamePart.FullName, "surname first, with comma, as in a list" },
        { "A. Müller", "Anna", "Müller", Own, NamePart.FullName, "first name abbreviated" },
        { "Anna M.", "Anna", "Müller", Own, NamePart.FullName, "surname abbreviated" },
        { "Anna Müler", "Anna", "Müller", Own, NamePart.FullName, "full name with a typo in the surname" },
        { "Anne Müller", "Anna", "Müller", NotOwn, NamePart.None, "false friend: Anne Müller is another person, though only one letter differs" },
        { "Lena Müller", "Anna-Lena", "Müller", Own, NamePart.FullName, "half of a double first name with the surname" },
        { "UL", "Ursula", "von der Leyen", Own, NamePart.Initials, "initials of the surname without its particles" },

        // Case, whitespace, punctuation
        { "  anna  ", "Anna", "Müller", Own, NamePart.FirstName, "lower case with surrounding spaces" },
        { "ANNA", "Anna", "Müller", Own, NamePart.FirstName, "capitals" },
        { "Anna.", "Anna", "Müller", Own, NamePart.FirstName, "trailing full stop" },
        { "Eva", "Eva", "Braun", Own, NamePart.FirstName, "a short name written exactly" },

        // Nothing, or something else
        { "", "Anna", "Müller", NotOwn, NamePart.None, "nothing typed" },
        { "   ", "Anna", "Müller", NotOwn, NamePart.None, "only spaces" },
        { "...", "Anna", "Müller", NotOwn, NamePart.None, "only punctuation" },
        { "Anna", "", "", NotOwn, NamePart.None, "no name given in the questionnaire" },
        { "Hallo", "Anna", "Müller", NotOwn, NamePart.None, "a greeting" },
        { "Anna war hier", "Anna", "Müller", NotOwn, NamePart.None, "a sentence is compared as a whole" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void Typed_answer_is_recognised_as_own_name_or_not(string written, string firstName, string surname, bool matched, NamePart part, string why)
    {
        var match = NameMatcher.Match(written, firstName, surname);

        var expected = matched ? $"own name ({part})" : "not own name";
        var actual = match.Matched ? $"own name ({match.Part})" : "not own name";
        Assert.True(expected == actual,
            $"Participant {firstName} {surname} typed \"{written}\" ({why}): the researcher would see " +
            $"{actual} instead of {expected}. Compared \"{match.Written}\" with \"{match.ComparedWith}\", score {match.Score:F3}.");
    }

    [Fact]
    public void Score_of_an_exact_match_is_one_and_shows_what_was_compared()
    {
        var match = NameMatcher.Match("Mueller", "Anna", "Müller");

        Assert.Equal(new NameMatch(true, NamePart.Surname, 1.0, "mueller", "mueller"), match);
    }

    [Fact]
    public void Near_miss_keeps_its_score_for_analysis()
    {
        var match = NameMatcher.Match("Hanna", "Anna", "Schulz");

        Assert.False(match.Matched, "Hanna was counted as Anna's own name");
        Assert.Equal(NamePart.None, match.Part);
        Assert.Equal(0.933, match.Score, 3);
        Assert.Equal("anna", match.ComparedWith);
    }

    [Fact]
    public void Score_of_a_typo_is_below_one_so_researchers_can_review_it()
    {
        var match = NameMatcher.Match("Müler", "Anna", "Müller");

        Assert.True(match.Matched);
        Assert.InRange(match.Score, 0.95, 0.999);
    }

    [Fact]
    public void Nothing_typed_gives_no_match_with_score_zero()
    {
        Assert.Equal(NameMatch.Nothing, NameMatcher.Match(null, "Anna", "Müller"));
        Assert.Equal(0, NameMatch.Nothing.Score);
    }
}
