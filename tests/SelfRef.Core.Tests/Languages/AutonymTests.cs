using SelfRef.Core.Languages;

namespace SelfRef.Core.Tests.Languages;

public class AutonymTests
{
    [Theory]
    [InlineData("de", "Deutsch")]
    [InlineData("en", "English")]
    [InlineData("fr", "Français")]
    [InlineData("pt-BR", "Português (Brasil)")]
    public void A_language_is_named_in_itself_and_capitalised(string tag, string expected) =>
        Assert.Equal(expected, LanguageTags.Autonym(tag));

    [Theory]
    [InlineData("qaa")]
    [InlineData("xx-Zzzz")]
    public void A_tag_without_a_name_is_shown_as_it_is(string tag) =>
        Assert.Equal(tag, LanguageTags.Autonym(tag));
}
