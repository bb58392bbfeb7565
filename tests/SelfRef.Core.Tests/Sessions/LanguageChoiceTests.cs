using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;

namespace SelfRef.Core.Tests.Sessions;

public class LanguageChoiceTests
{
    private static Experiment Offering(params string[] languages) => new() { Id = "x", Title = [], Languages = [.. languages], Steps = [] };

    [Theory]
    [InlineData("de", "en-US,en;q=0.9", "de")]
    [InlineData(null, "de-DE,de;q=0.9,en;q=0.8", "de")]
    [InlineData(null, "fr-FR,fr;q=0.9,en;q=0.5,de;q=0.7", "de")]
    [InlineData(null, "en-GB", "en")]
    [InlineData("fr", "fr", "en")]
    [InlineData(null, null, "en")]
    [InlineData("EN", "de", "en")]
    public void Explicit_request_then_browser_preference_then_first_language(string? requested, string? header, string expected) =>
        Assert.Equal(expected, LanguageChoice.Choose(Offering("en", "de"), requested, header));

    [Fact]
    public void A_language_the_experiment_does_not_offer_is_never_chosen() =>
        Assert.Equal("de", LanguageChoice.Choose(Offering("de"), "en", "en-US"));

    [Theory]
    [InlineData(null, "pt-BR,pt;q=0.9", "pt-BR")]
    [InlineData(null, "pt", "pt-BR")]
    [InlineData("FR", null, "fr")]
    [InlineData(null, "fr-CA", "fr")]
    [InlineData(null, "zh-Hant-TW", "zh-Hant")]
    public void Any_language_tag_matches_exactly_then_by_prefix_then_by_language(string? requested, string? header, string expected) =>
        Assert.Equal(expected, LanguageChoice.Choose(Offering("en", "fr", "pt-BR", "zh-Hant"), requested, header));
}
