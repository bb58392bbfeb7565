using System.Collections;
using System.Text.Json.Serialization.Metadata;

namespace SelfRef.Core.Experiments;

/// <summary>The rules of an experiment file that its JSON Schema cannot express.</summary>
public static class ExperimentRules
{
    public static IReadOnlyList<ExperimentError> Check(Experiment experiment)
    {
        var errors = new List<ExperimentError>();
        void Error(string path, string message) => errors.Add(new ExperimentError("", path, message));
        // A name that refers to something the file does not have: the near match, if any, and what there is.
        void Unknown(string path, string message, string typed, IEnumerable<string> known, string listed)
        {
            var list = known.ToList();
            var suggestion = DidYouMean.Nearest(typed, list);
            errors.Add(new ExperimentError("", path, $"{message}{DidYouMean.Phrase(suggestion)} ({listed}: {string.Join(", ", list)})", suggestion));
        }

        var languages = experiment.Languages.ToList();
        foreach (var duplicate in languages.GroupBy(l => l, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            Error("$.languages", $"language '{duplicate.Key}' is listed twice");
        foreach (var (path, text) in Texts(experiment, "$"))
            foreach (var missing in languages.Where(l => !text.ContainsKey(l) || string.IsNullOrWhiteSpace(text[l])))
                Error(path, $"text in '{missing}' is missing; the experiment's languages are {string.Join(", ", languages)}");

        var stepIndex = new Dictionary<string, int>();
        for (var i = 0; i < experiment.Steps.Count; i++)
        {
            var id = experiment.Steps[i].Id;
            if (!stepIndex.TryAdd(id, i))
                Error($"$.steps[{i}].id", $"step id '{id}' is already used by $.steps[{stepIndex[id]}]");
        }

        var conditionIds = new HashSet<string>();
        for (var c = 0; c < experiment.Conditions.Count; c++)
            if (!conditionIds.Add(experiment.Conditions[c].Id))
                Error($"$.conditions[{c}].id", $"condition id '{experiment.Conditions[c].Id}' is used twice");
        var knownConditions = experiment.EffectiveConditions.Select(c => c.Id).ToHashSet();

        for (var i = 0; i < experiment.Steps.Count; i++)
        {
            var step = experiment.Steps[i];
            foreach (var (only, j) in (step.OnlyIn ?? []).Select((o, j) => (o, j)))
                if (!knownConditions.Contains(only))
                    Unknown($"$.steps[{i}].onlyIn[{j}]", $"unknown condition '{only}'", only, knownConditions, "conditions");
            if (step is QuestionnaireStep questionnaire)
                CheckQuestions(questionnaire, $"$.steps[{i}]", Error);
            if (step is IStepRules rules)
                foreach (var (field, message) in rules.Check(experiment))
                    Error($"$.steps[{i}].{field}", message);
            if (step is IStepNotices notable)
                foreach (var (field, message) in notable.Notices(experiment))
                    errors.Add(new ExperimentError("", $"$.steps[{i}].{field}", message, Severity: ProblemSeverity.Notice));
        }

        for (var c = 0; c < experiment.Conditions.Count; c++)
        {
            var condition = experiment.Conditions[c];
            if (condition.Order is not { } order) continue;
            var applicable = experiment.Steps.Where(s => s.OnlyIn is null || s.OnlyIn.Contains(condition.Id)).Select(s => s.Id).ToHashSet();
            var seen = new HashSet<string>();
            for (var j = 0; j < order.Count; j++)
            {
                var path = $"$.conditions[{c}].order[{j}]";
                if (!stepIndex.ContainsKey(order[j])) Unknown(path, $"unknown step '{order[j]}'", order[j], stepIndex.Keys, "steps");
                else if (!applicable.Contains(order[j])) Error(path, $"step '{order[j]}' is not shown in condition '{condition.Id}' (see its onlyIn)");
                else if (!seen.Add(order[j])) Error(path, $"step '{order[j]}' is listed twice");
            }
            foreach (var missing in applicable.Where(id => !seen.Contains(id) && stepIndex.ContainsKey(id)))
                Error($"$.conditions[{c}].order", $"step '{missing}' is missing; the order must list every step shown in the condition");
        }

        if (errors.Count == 0)
            foreach (var condition in experiment.EffectiveConditions)
                CheckSequence(experiment, condition, Error);

        foreach (var (task, reference) in experiment.References)
        {
            if (!StepTypes.All.Any(t => t.IsTask && t.Name == task))
                Unknown($"$.references.{task}", $"'{task}' is not a task type", task, StepTypes.Tasks.Select(t => t.Name), "task types");
            else if (reference is <= 0 or >= 1)
                Error($"$.references.{task}", $"a reference proportion lies strictly between 0 and 1, not {reference}");
        }
        if (experiment.Recruitment.RedirectUrl is { } redirect &&
            !(Uri.TryCreate(redirect.Replace("{", "").Replace("}", ""), UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
            Error("$.recruitment.redirectUrl", $"'{redirect}' is not an absolute http(s) URL");
        for (var p = 0; p < experiment.Recruitment.Parameters.Count; p++)
            if (!System.Text.RegularExpressions.Regex.IsMatch(experiment.Recruitment.Parameters[p], "^[A-Za-z0-9_.-]{1,64}$"))
                Error($"$.recruitment.parameters[{p}]", "a URL parameter name has 1 to 64 letters, digits, '_', '.' or '-'");
        return errors;
    }

    /// <summary>What the file's steps deliberately do differently (e.g. names allowed in a pen instruction), per step id, for the report.</summary>
    public static IEnumerable<(string StepId, string Message)> Notices(Experiment experiment) =>
        experiment.Steps.OfType<IStepNotices>().SelectMany(step => step.Notices(experiment).Select(n => (((Step)step).Id, n.Message)));

    private static void CheckSequence(Experiment experiment, Condition condition, Action<string, string> error)
    {
        var steps = ExperimentFlow.StepsFor(experiment, condition);
        var where = experiment.Conditions.Count > 0 ? $"in condition '{condition.Id}'" : "";
        if (steps.Count == 0 || steps[^1] is not DebriefStep)
            error("$.steps", $"the last step {where} must be a debrief (it ends the session and shows the completion code)".Replace("  ", " "));
        if (steps.OfType<DebriefStep>().Count() > 1)
            error("$.steps", $"only one debrief may be shown {where}".TrimEnd());
        var consent = steps.FindIndex(s => s is ConsentStep);
        if (consent > 0)
            error("$.steps", $"consent must come first {where}: nothing may be recorded before the participant agrees".Replace("  ", " "));
    }

    private static void CheckQuestions(QuestionnaireStep step, string path, Action<string, string> error)
    {
        var ids = new HashSet<string>();
        for (var q = 0; q < step.Questions.Count; q++)
        {
            var question = step.Questions[q];
            var at = $"{path}.questions[{q}]";
            if (!ids.Add(question.Id)) error($"{at}.id", $"question id '{question.Id}' is used twice in this questionnaire");
            if (question.Type == QuestionType.Choice)
            {
                if (question.Options is not { Count: >= 2 }) error($"{at}.options", "a choice question needs at least two options");
                else if (question.Options.GroupBy(o => o.Value).FirstOrDefault(g => g.Count() > 1) is { } twice)
                    error($"{at}.options", $"option value '{twice.Key}' is used twice");
            }
            else if (question.Options is not null)
                error($"{at}.options", $"only choice questions have options, this one is '{question.Type.ToString().ToLowerInvariant()}'");
            if (question.Type != QuestionType.Number && (question.Min is not null || question.Max is not null))
                error(at, "min and max apply to number questions only");
            if (question.Min > question.Max) error($"{at}.min", $"min ({question.Min}) is larger than max ({question.Max})");
        }
    }

    /// <summary>Every localized text in the model, with its JSON path, found through the serializer's own metadata.</summary>
    private static IEnumerable<(string Path, LocalizedText Text)> Texts(object? value, string path)
    {
        switch (value)
        {
            case null or string: yield break;
            case LocalizedText text:
                yield return (path, text);
                yield break;
            case IList list:
                for (var i = 0; i < list.Count; i++)
                    foreach (var found in Texts(list[i], $"{path}[{i}]")) yield return found;
                yield break;
        }
        var info = ExperimentJson.Options.GetTypeInfo(value.GetType());
        if (info.Kind != JsonTypeInfoKind.Object) yield break;
        foreach (var property in info.Properties)
            if (property.Get is { } get)
                foreach (var found in Texts(get(value), $"{path}.{property.Name}")) yield return found;
    }
}
