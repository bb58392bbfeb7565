using SelfRef.Core.Coding;
using SelfRef.Core.Sessions;
using SelfRef.Core.Tasks.Pen;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Tests;

/// <summary>What a researcher reads instead of the internal names the store and the exports keep.</summary>
public class LabelsTests
{
    [Theory]
    [InlineData(CodeValue.OwnName, "own name")]
    [InlineData(CodeValue.Other, "other word")]
    [InlineData(CodeValue.Unreadable, "unreadable")]
    public void A_code_reads_in_words(CodeValue code, string words)
    {
        Assert.Equal(words, Labels.Code(code));
        Assert.Equal(words, Labels.Code(code.ToString()));
    }

    [Fact]
    public void Text_that_names_no_code_is_shown_as_it_is() => Assert.Equal("Maybe", Labels.Code("Maybe"));

    [Theory]
    [InlineData("coded by 1: OwnName", "coded by 1: own name")]
    [InlineData("coded by 2: OwnName, Other", "coded by 2: own name, other word")]
    [InlineData("coded by 3: Unreadable, Other, OwnName", "coded by 3: unreadable, other word, own name")]
    [InlineData("first name (0.93)", "first name (0.93)")]
    [InlineData("click: Other Town (DE, city)", "click: Other Town (DE, city)")]
    [InlineData(null, null)]
    public void How_an_outcome_was_decided_names_codes_in_words(string? detail, string? shown) => Assert.Equal(shown, Labels.MatchDetail(detail));

    [Theory]
    [InlineData("gn:2881279|Langen, Germany", "Langen, Germany")]
    [InlineData("gn:2867714|München, Germany", "München, Germany")]
    [InlineData("Köln", "Köln")]
    [InlineData("gn:notanumber|x", "gn:notanumber|x")]
    public void A_place_answer_reads_without_its_gazetteer_id(string answer, string shown)
    {
        Assert.Equal(shown, Labels.Place(answer));
        Assert.Equal(shown, Labels.Answer(answer));
    }

    [Fact]
    public void Answers_that_are_not_places_are_shown_as_given() => Assert.Equal("42", Labels.Answer("42"));

    [Theory]
    [InlineData(WordEnd.EndOfWriting, "ended: the participant finished writing")]
    [InlineData(WordEnd.Pause, "ended: the participant paused before writing on")]
    [InlineData(WordEnd.NewLine, "ended: the participant went on in a new line")]
    public void How_a_first_word_ended_reads_as_a_sentence(WordEnd end, string words) => Assert.Equal(words, Labels.WordEnd(end));

    [Theory]
    [InlineData(SessionStatus.Active, "in progress")]
    [InlineData(SessionStatus.Completed, "completed")]
    [InlineData(SessionStatus.Abandoned, "abandoned")]
    public void A_session_status_reads_in_words(SessionStatus status, string words) => Assert.Equal(words, Labels.Status(status));
}
