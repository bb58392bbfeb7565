using SelfRef.Core.Experiments;

namespace SelfRef.Web.Researcher;

/// <summary>The links a researcher sends out: plain, and with Prolific's placeholders for the recruitment parameters the experiment records.</summary>
public static class ParticipantLinks
{
    public static string Plain(string baseUrl, Experiment experiment) => $"{baseUrl.TrimEnd('/')}/s/{Uri.EscapeDataString(experiment.Id)}";

    /// <summary>
    /// E.g. …/s/my-study?PROLIFIC_PID={{%PROLIFIC_PID%}}&amp;STUDY_ID={{%STUDY_ID%}}&amp;SESSION_ID={{%SESSION_ID%}}:
    /// Prolific replaces each {{%NAME%}} with the participant's value. Null when the experiment records no parameters.
    /// </summary>
    public static string? WithPlaceholders(string baseUrl, Experiment experiment) =>
        experiment.Recruitment.Parameters.Count == 0
            ? null
            : Plain(baseUrl, experiment) + "?" + string.Join("&", experiment.Recruitment.Parameters.Select(p => $"{Uri.EscapeDataString(p)}={{{{%{Uri.EscapeDataString(p)}%}}}}"));
}
