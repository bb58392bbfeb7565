using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;
using SelfRef.Web.Participant;

namespace SelfRef.Web.Pages;

/// <summary>
/// What an experiment stores about a participant and for how long, in the participant's
/// language: the identifying data come from the privacy rules (Identifiers), the retention from
/// the experiment's privacy setting, the words from the translation files (translations/*.json).
/// </summary>
public sealed class PrivacyModel(SessionService sessions, UiText ui) : PageModel
{
    public string Lang { get; private set; } = "en";
    public string Title { get; private set; } = "";
    public IReadOnlyList<string> IdentifyingQuestions { get; private set; } = [];
    public IReadOnlyList<string> RecruitmentParameters { get; private set; } = [];
    public bool TypedText { get; private set; }
    public string Retention { get; private set; } = "";
    public int Days { get; private set; }
    public string? Contact { get; private set; }
    public string WithdrawUrl => $"{Request.Scheme}://{Request.Host}/withdraw";

    public string T(string key, params object[] values) => string.Format(CultureInfo.InvariantCulture, ui.Get(Lang, key), values);

    public IActionResult OnGet(string experimentId, string? lang)
    {
        // Participants of an experiment whose file was removed still read what happens to their data.
        if ((sessions.Experiment(experimentId) ?? sessions.History(experimentId)?.Latest) is not { } experiment)
        {
            var language = ui.Choose(lang, Request.Headers.AcceptLanguage);
            return new ContentResult { Content = ui.NotFoundPage(language), ContentType = "text/html; charset=utf-8", StatusCode = 404 };
        }
        Lang = LanguageChoice.Choose(experiment, lang, Request.Headers.AcceptLanguage);
        Title = experiment.Title.In(Lang);
        var keys = Identifiers.AnswerKeys(experiment);
        IdentifyingQuestions = experiment.Steps.OfType<QuestionnaireStep>()
            .SelectMany(step => step.Questions.Where(q => keys.Contains($"{step.Id}.{q.Id}")).Select(q => q.Label.In(Lang)))
            .ToList();
        RecruitmentParameters = Identifiers.RecruitmentParameters(experiment);
        TypedText = Identifiers.EventTypes(experiment).Any();
        Days = experiment.Privacy.Days;
        Retention = experiment.Privacy.Effective(experiment) switch
        {
            IdentifierRetention.AfterOutcome => T("privacy.retention.afterOutcome"),
            IdentifierRetention.AfterCoding => T("privacy.retention.afterCoding"),
            _ => T("privacy.retention.afterDays", Days),
        };
        Contact = experiment.Privacy.Contact?.In(Lang);
        return Page();
    }
}
