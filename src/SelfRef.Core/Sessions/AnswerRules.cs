using System.Globalization;
using SelfRef.Core.Experiments;

namespace SelfRef.Core.Sessions;

/// <summary>What is wrong with one answer, as a code the participant's page words in their language.</summary>
public sealed record AnswerProblem(string QuestionId, string Code);

/// <summary>Checks a questionnaire's answers against its questions and normalises them for storage.</summary>
public static class AnswerRules
{
    public static (Dictionary<string, string> Answers, List<AnswerProblem> Problems) Check(
        QuestionnaireStep step, IReadOnlyDictionary<string, string?> given)
    {
        var answers = new Dictionary<string, string>();
        var problems = new List<AnswerProblem>();
        foreach (var unknown in given.Keys.Where(k => step.Questions.All(q => q.Id != k)))
            problems.Add(new AnswerProblem(unknown, "unknown"));
        foreach (var question in step.Questions)
        {
            var value = given.TryGetValue(question.Id, out var v) ? v?.Trim() : null;
            if (string.IsNullOrEmpty(value))
            {
                if (question.Required) problems.Add(new AnswerProblem(question.Id, "required"));
                continue;
            }
            var problem = question.Type switch
            {
                QuestionType.Number when !double.TryParse(value.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => "number",
                // "NaN", "Infinity", 1e999: parsed as numbers, but no measurement, below no minimum and above no maximum.
                QuestionType.Number when !double.IsFinite(double.Parse(value.Replace(',', '.'), CultureInfo.InvariantCulture)) => "notFinite",
                QuestionType.Number when double.Parse(value.Replace(',', '.'), CultureInfo.InvariantCulture) is var n && (n < question.Min || n > question.Max) => "range",
                QuestionType.Choice when question.Options!.All(o => o.Value != value) => "choice",
                QuestionType.Text or QuestionType.Place when value.Length > question.MaxLength => "tooLong",
                _ => null,
            };
            if (problem is not null) { problems.Add(new AnswerProblem(question.Id, problem)); continue; }
            answers[question.Id] = question.Type == QuestionType.Number
                ? double.Parse(value.Replace(',', '.'), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)
                : value;
        }
        return (answers, problems);
    }
}
