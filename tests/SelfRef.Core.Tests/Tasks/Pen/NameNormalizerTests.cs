using SelfRef.Core.Tasks.Pen.NameMatching;

// Namespace mirrors SelfRef.Core.Tasks.Pen.NameMatching, so "~NameMatch" selects all matcher tests.
namespace SelfRef.Core.Tests.Tasks.Pen.NameMatching;

/// <summary>How names are folded before they are compared; both umlaut spellings per row.</summary>
public class NameNormalizerTests
{
    public static TheoryData<string, string, string> Names => new()
    {
        { "Müller", "muller", "mueller" },
        { "Mu\u0308ller", "muller", "mueller" }, // ü as u + combining diaeresis, as macOS sends it
        { "BÄCKER", "backer", "baecker" },
        { "Strauß", "strauss", "strauss" },
        { "STRAUẞ", "strauss", "strauss" },
        { "Zoë", "zoe", "zoe" },
        { "Søren", "soren", "soeren" },
        { "Åse", "ase", "aase" },
        { "Ærø", "aero", "aeroe" },
        { "Łukasz", "lukasz", "lukasz" },
        { "İpek", "ipek", "ipek" },
        { "IŞIK", "isik", "isik" },
        { "Işık", "isik", "isik" },
        { "Nguyễn", "nguyen", "nguyen" },
        { "Đặng", "dang", "dang" },
        { "François", "francois", "francois" },
        { "Núñez", "nunez", "nunez" },
        { "Guðrún", "gudrun", "gudrun" },
        { "Þór", "thor", "thor" },
        { "Anna-Lena", "anna lena", "anna lena" },
        { "  Anna   Lena  ", "anna lena", "anna lena" },
        { "Müller, Anna.", "muller anna", "mueller anna" },
        { "O'Connor", "oconnor", "oconnor" },
        { "O’Connor", "oconnor", "oconnor" },
        { "O´Connor", "oconnor", "oconnor" },
        { "Anna2", "anna", "anna" },
        { "ﬁona", "fiona", "fiona" },
        { "Иван", "иван", "иван" },
        { "", "", "" },
        { " - ", "", "" },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Name_is_folded_in_both_umlaut_spellings(string name, string stripped, string expanded)
    {
        Assert.Equal(stripped, NameNormalizer.Normalize(name, UmlautSpelling.Stripped));
        Assert.Equal(expanded, NameNormalizer.Normalize(name, UmlautSpelling.Expanded));
    }

    [Fact]
    public void Null_is_an_empty_name() => Assert.Equal("", NameNormalizer.Normalize(null));

    [Fact]
    public void Very_long_input_is_handled()
    {
        var longName = string.Join('-', Enumerable.Repeat("Müller", 200));

        Assert.Equal(string.Join(' ', Enumerable.Repeat("mueller", 200)), NameNormalizer.Normalize(longName, UmlautSpelling.Expanded));
    }
}
