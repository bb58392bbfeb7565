using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;
using SelfRef.Web.Participant;

namespace SelfRef.Web.Pages;

/// <summary>
/// What an experiment stores about a participant, who sees it and for how long, in the
/// participant's language: the identifying data come from the same declarations that exports and
/// retention follow (Identifiers: question types, recruitment, the task types' event fields and
/// outcome columns), so the page cannot promise what the experiment does not keep; the retention
/// from the experiment's privacy setting, the words from the translation files (translations/*.json).
/// </summary>
public sealed class PrivacyModel(SessionService sessions, UiText ui) : PageModel
{
    public string Lang { get; private set; } = "en";
    public string Title { get; private set; } = "";
    public IReadOnlyList<string> IdentifyingQuestions { get; private set; } = [];
    public IReadOnlyList<string> RecruitmentParameters { get; private set; } = [];
    public bool TypedText { get; private set; }
    /// <summary>Some task of the experiment logs coordinates of what the participant does (the map).</summary>
    public bool MapCoordinates { get; private set; }
    /// <summary>Some task derives identifying outcome columns (the first target, the first letter picked).</summary>
    public bool DerivedIdentifiers { get; private set; }
    /// <summary>Some task keeps a distance to the participant's own place after retention.</summary>
    public bool KeepsDistance { get; private set; }
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
        var declarations = experiment.Steps.SelectMany(step => StepTypes.Of(step).Events(step)).Where(e => e.Identifying.Count > 0).ToList();
        MapCoordinates = declarations.Any(e => e.Coordinates.Count > 0);
        TypedText = declarations.Any(e => e.Identifying.Except(e.Coordinates.Select(c => c.Field)).Any());
        var tasks = experiment.Steps.Select(StepTypes.TaskOf).OfType<SelfRef.Core.Tasks.TaskType>().Distinct().ToList();
        DerivedIdentifiers = tasks.Any(t => t.Columns.Any(c => c.Identifying));
        KeepsDistance = tasks.Any(t => t.Columns.Any(c => !c.Identifying && c.Role == SelfRef.Core.Tasks.OutcomeColumnRole.DistanceKm));
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
