using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.RegularExpressions;
using SelfRef.Core.Experiments;

namespace SelfRef.Core.Tasks.NameLetters;

/// <summary>
/// The name-letter task (Nuttin 1985): a grid of letters in an order shuffled for each participant;
/// which letter does the participant pick first, and is it an initial of their own name?
/// </summary>
public sealed partial record NameLettersStep : Step, IStepRules
{
    [Description("Neutral instruction shown above the letters, per language (e.g. 'pick the letters you like best'); it must not mention names or initials.")]
    public required LocalizedText Instruction { get; init; }

    [Description("The letters shown, each once, in an order shuffled for each participant: one character per letter, shown as written (e.g. add ÄÖÜ for German).")]
    [MinLength(2)]
    public string Letters { get; init; } = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    [Description("Letters per row of the grid; the same on every screen, so that positions compare across devices.")]
    [Range(1, 10)]
    public int Columns { get; init; } = 6;

    [Description("The 'continue' button is enabled once this many letters are picked.")]
    [Range(0, 100)]
    public int MinPicks { get; init; } = 1;

    [Description("At most this many letters can be picked at a time; 0: as many as the participant likes.")]
    [Range(0, 100)]
    public int MaxPicks { get; init; } = 0;

    [Description("Id of the questionnaire question that later asks for the first name (its initials are compared with the first letter picked).")]
    public string FirstNameQuestion { get; init; } = "firstName";

    [Description("Id of the questionnaire question that later asks for the surname.")]
    public string SurnameQuestion { get; init; } = "surname";

    /// <summary>The letters of <see cref="Letters"/> one by one, as the page splits them (NFC, one character each).</summary>
    public IReadOnlyList<string> LetterList() => Letters.Normalize(NormalizationForm.FormC).Select(c => c.ToString()).ToList();

    // Names in German and English, and what gives the initials away; "Buchstaben"/"letters" alone are the task.
    [GeneratedRegex(@"\bnamen?s?\b|\bnom\b|vorname|nachname|surname|initial|anfangsbuchstab", RegexOptions.IgnoreCase)]
    private static partial Regex MentionsName();

    public IEnumerable<(string Field, string Message)> Check(Experiment experiment)
    {
        foreach (var (language, text) in Instruction)
            if (MentionsName().IsMatch(text))
                yield return ($"instruction.{language}", "the instruction mentions names or initials; it must stay neutral (e.g. 'pick the letters you like best') so that nothing primes the participant");
        var letters = LetterList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var letter in letters)
        {
            if (!char.IsLetter(letter[0]))
                yield return ("letters", $"'{letter}' (U+{(int)letter[0]:X4}) is not a letter; write the letters to show one after another, without spaces or separators");
            else if (!seen.Add(letter.ToUpperInvariant()))
                yield return ("letters", $"the letter '{letter}' appears twice (upper and lower case count as one letter)");
        }
        if (MaxPicks > letters.Count)
            yield return ("maxPicks", $"maxPicks ({MaxPicks}) is more than the {letters.Count} letters shown");
        if (MinPicks > letters.Count)
            yield return ("minPicks", $"minPicks ({MinPicks}) is more than the {letters.Count} letters shown");
        if (MaxPicks > 0 && MinPicks > MaxPicks)
            yield return ("minPicks", $"minPicks ({MinPicks}) is more than maxPicks ({MaxPicks}): the participant could never go on");
        var questions = experiment.Steps.OfType<QuestionnaireStep>().SelectMany(q => q.Questions).Select(q => q.Id).ToHashSet();
        foreach (var (field, id) in new[] { ("firstNameQuestion", FirstNameQuestion), ("surnameQuestion", SurnameQuestion) })
            if (!questions.Contains(id))
                yield return (field, $"no questionnaire asks question '{id}', so the letters picked cannot be compared with the participant's initials{DidYouMean.Phrase(DidYouMean.Nearest(id, questions))}");
    }
}
