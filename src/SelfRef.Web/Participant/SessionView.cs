using System.Text.Json;
using System.Text.Json.Serialization;
using SelfRef.Core.Experiments;
using SelfRef.Core.Languages;
using SelfRef.Core.Sessions;

namespace SelfRef.Web.Participant;

/// <summary>What the participant's page needs to show the current step, in the session's language.</summary>
public sealed record SessionView(
    string Status,
    string Language,
    IReadOnlyList<string> Languages,
    string Title,
    StepViewModel Step,
    CompletionView? Completion,
    IReadOnlyDictionary<string, string> Ui,
    string? PrivacyUrl = null,
    IReadOnlyDictionary<string, string>? LanguageNames = null)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static SessionView Of(Session session, Experiment experiment, UiText ui)
    {
        var lang = session.Language;
        var step = experiment.Step(session.CurrentStep);
        var type = StepTypes.Of(step);
        var view = new StepViewModel(
            step.Id,
            type.Name,
            session.StepIndex,
            session.Steps.Count,
            step.Title?.In(lang),
            step switch
            {
                ConsentStep c => c.Text.In(lang),
                InstructionsStep i => i.Text.In(lang),
                DebriefStep d => d.Text.In(lang),
                _ => null,
            },
            StepTypes.TaskOf(step)?.Instruction(step)?.In(lang),
            (step as QuestionnaireStep)?.Questions.Select(q => new QuestionView(
                q.Id, q.Type.ToString().ToLowerInvariant(), q.Label.In(lang), q.Required, q.Min, q.Max, q.MaxLength,
                q.Options?.Select(o => new OptionView(o.Value, o.Label.In(lang))).ToList())).ToList(),
            type.IsTask ? JsonSerializer.SerializeToElement(step, step.GetType(), ExperimentJson.Options) : null);
        var completion = session.Status == SessionStatus.Completed
            ? new CompletionView(session.CompletionCode, RedirectUrl(experiment, session), session.WithdrawalCode)
            : null;
        return new SessionView(
            session.Status.ToString().ToLowerInvariant(),
            lang,
            experiment.Languages.ToList(),
            experiment.Title.In(lang),
            view,
            completion,
            ui.All(lang),
            $"/privacy/{Uri.EscapeDataString(experiment.Id)}?lang={lang}",
            experiment.Languages.Distinct().ToDictionary(l => l, LanguageTags.Autonym));
    }

    private static string? RedirectUrl(Experiment experiment, Session session)
    {
        if (experiment.Recruitment.RedirectUrl is not { } url) return null;
        url = url.Replace("{code}", Uri.EscapeDataString(session.CompletionCode));
        foreach (var (name, value) in session.Recruitment) url = url.Replace("{" + name + "}", Uri.EscapeDataString(value));
        return url;
    }
}

public sealed record StepViewModel(
    string Id,
    string Type,
    int Index,
    int Count,
    string? Title,
    string? Text,
    string? Instruction,
    IReadOnlyList<QuestionView>? Questions,
    JsonElement? Parameters);

public sealed record QuestionView(string Id, string Type, string Label, bool Required, double? Min, double? Max, int MaxLength, IReadOnlyList<OptionView>? Options);

public sealed record OptionView(string Value, string Label);

public sealed record CompletionView(string Code, string? RedirectUrl, string? WithdrawalCode = null);
