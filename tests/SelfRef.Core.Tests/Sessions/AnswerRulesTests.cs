using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;

namespace SelfRef.Core.Tests.Sessions;

public class AnswerRulesTests
{
    private static readonly QuestionnaireStep Step = new()
    {
        Id = "about-you",
        Questions =
        [
            new Question { Id = "firstName", Type = QuestionType.Text, Label = new() { ["en"] = "First name" }, MaxLength = 10 },
            new Question { Id = "age", Type = QuestionType.Number, Label = new() { ["en"] = "Age" }, Min = 16, Max = 110 },
            new Question { Id = "hand", Type = QuestionType.Choice, Label = new() { ["en"] = "Hand" }, Required = false,
                Options = [new ChoiceOption { Value = "left", Label = new() { ["en"] = "left" } }, new ChoiceOption { Value = "right", Label = new() { ["en"] = "right" } }] },
            new Question { Id = "hometown", Type = QuestionType.Place, Label = new() { ["en"] = "Home town" } },
        ],
    };

    public static TheoryData<string, Dictionary<string, string?>, string?, string?> Cases => new()
    {
        { "all fine, German decimal comma", new() { ["firstName"] = " Anna ", ["age"] = "23,5", ["hand"] = "left", ["hometown"] = "Köln" }, null, null },
        { "optional choice left out", new() { ["firstName"] = "Anna", ["age"] = "23", ["hometown"] = "Köln" }, null, null },
        { "required text empty", new() { ["firstName"] = "  ", ["age"] = "23", ["hometown"] = "Köln" }, "firstName", "required" },
        { "age is a word", new() { ["firstName"] = "Anna", ["age"] = "twenty", ["hometown"] = "Köln" }, "age", "number" },
        { "age below range", new() { ["firstName"] = "Anna", ["age"] = "12", ["hometown"] = "Köln" }, "age", "range" },
        { "choice not offered", new() { ["firstName"] = "Anna", ["age"] = "23", ["hand"] = "both", ["hometown"] = "Köln" }, "hand", "choice" },
        { "name too long", new() { ["firstName"] = "Maximiliane-Sophie", ["age"] = "23", ["hometown"] = "Köln" }, "firstName", "tooLong" },
        { "answer to a question not asked", new() { ["firstName"] = "Anna", ["age"] = "23", ["hometown"] = "Köln", ["password"] = "x" }, "password", "unknown" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Answers_are_checked(string because, Dictionary<string, string?> given, string? question, string? code)
    {
        var (answers, problems) = AnswerRules.Check(Step, given);
        if (question is null)
        {
            Assert.True(problems.Count == 0, $"{because}: {string.Join(", ", problems)}");
            Assert.Equal("Anna", answers["firstName"]);
        }
        else Assert.Contains(new AnswerProblem(question, code!), problems);
    }

    [Fact]
    public void Numbers_are_stored_in_invariant_form()
    {
        var (answers, _) = AnswerRules.Check(Step, new Dictionary<string, string?> { ["firstName"] = "A", ["age"] = "23,5", ["hometown"] = "x" });
        Assert.Equal("23.5", answers["age"]);
    }
}
