using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;

namespace SelfRef.Core.Tests.Sessions;

public class LanguageChoiceTests
{
    private static Experiment Offering(params Language[] languages) => new() { Id = "x", Title = [], Languages = [.. languages], Steps = [] };

    [Theory]
    [InlineData("de", "en-US,en;q=0.9", "de")]
    [InlineData(null, "de-DE,de;q=0.9,en;q=0.8", "de")]
    [InlineData(null, "fr-FR,fr;q=0.9,en;q=0.5,de;q=0.7", "de")]
    [InlineData(null, "en-GB", "en")]
    [InlineData("fr", "fr", "en")]
    [InlineData(null, null, "en")]
    [InlineData("EN", "de", "en")]
    public void Explicit_request_then_browser_preference_then_first_language(string? requested, string? header, string expected) =>
        Assert.Equal(expected, LanguageChoice.Choose(Offering(Language.En, Language.De), requested, header));

    [Fact]
    public void A_language_the_experiment_does_not_offer_is_never_chosen() =>
        Assert.Equal("de", LanguageChoice.Choose(Offering(Language.De), "en", "en-US"));
}
