using SelfRef.Core.Tasks.NameLetters;

namespace SelfRef.Core.Tests.Tasks.NameLetters;

/// <summary>What counts as an initial, name by name, as a researcher would check it.</summary>
public class NameInitialsTests
{
    public static TheoryData<string?, string?, string, string> Names => new()
    {
        // first name, surname, initials of the first name, initials of the surname
        { "Anna", "Müller", "a", "m" },
        { "anna", "MÜLLER", "a", "m" },
        { "Anne-Marie", "Schmidt", "am", "s" },
        { "Anne Marie", "Schmidt", "am", "s" },
        { "Anna M", "Weber", "am", "w" },
        { "Jan", "van der Berg", "j", "vb" },
        { "Ursula", "von der Leyen", "u", "vl" },
        { "Gabriel", "García Márquez", "g", "gm" },
        { "Ernst", "Müller-Lüdenscheidt", "e", "ml" },
        { "Sinéad", "O'Connor", "s", "o" },
        { "Özlem", "Türeci", "o", "t" },
        { "Ærin", "Østergaard", "a", "o" },
        { "Émile", "Zola", "e", "z" },
        { "Иван", "Petrov", "и", "p" },
        { " Lena ", null, "l", "" },
        { null, "Schulz", "", "s" },
        { "", "  ", "", "" },
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Initials_of_first_name_and_surname(string? firstName, string? surname, string ofFirst, string ofSurname)
    {
        var initials = NameInitials.Of(firstName, surname);
        Assert.Equal(ofFirst.Order(), initials.Letters.Where(l => l.Value.HasFlag(InitialOf.FirstName)).Select(l => l.Key).Order());
        Assert.Equal(ofSurname.Order(), initials.Letters.Where(l => l.Value.HasFlag(InitialOf.Surname)).Select(l => l.Key).Order());
    }

    [Fact]
    public void A_letter_shared_by_both_names_is_an_initial_of_both()
    {
        var initials = NameInitials.Of("Anna", "Albers");
        Assert.Equal(InitialOf.FirstName | InitialOf.Surname, initials.Initial("A"));
        Assert.Single(initials.Letters);
    }

    [Theory]
    [InlineData("A", "Anna", "Roth", InitialOf.FirstName)]
    [InlineData("a", "Anna", "Roth", InitialOf.FirstName)]
    [InlineData("Ä", "Anna", "Roth", InitialOf.FirstName)]
    [InlineData("O", "Özlem", "Roth", InitialOf.FirstName)]
    [InlineData("Ö", "Özlem", "Roth", InitialOf.FirstName)]
    [InlineData("r", "Özlem", "Roth", InitialOf.Surname)]
    [InlineData("V", "Jan", "van der Berg", InitialOf.Surname)]
    [InlineData("B", "Jan", "van der Berg", InitialOf.Surname)]
    // "der" is a particle in the middle of the surname: nobody files Jan van der Berg under D.
    [InlineData("D", "Jan", "van der Berg", InitialOf.None)]
    [InlineData("E", "Jan", "van der Berg", InitialOf.None)]
    [InlineData("", "Jan", "van der Berg", InitialOf.None)]
    [InlineData("7", "Jan", "van der Berg", InitialOf.None)]
    public void A_letter_shown_is_compared_folded_as_names_are(string letter, string firstName, string surname, InitialOf expected) =>
        Assert.Equal(expected, NameInitials.Of(firstName, surname).Initial(letter));
}
