using System.Text.RegularExpressions;
using SelfRef.Core.Coding;
using SelfRef.Core.Sessions;
using SelfRef.Core.Tasks.Map;
using SelfRef.Core.Tasks.Pen;

namespace SelfRef.Web.Researcher;

/// <summary>
/// Words for the internal names researcher pages would otherwise show: coder codes, stored place
/// answers, how a first word ended, session statuses. The stored values and the exports keep the
/// internal names; only what a researcher reads on a page goes through here.
/// </summary>
public static partial class Labels
{
    /// <summary>A coder's code in words: "own name", "other word", "unreadable".</summary>
    public static string Code(CodeValue code) => code switch
    {
        CodeValue.OwnName => "own name",
        CodeValue.Other => "other word",
        CodeValue.Unreadable => "unreadable",
        _ => code.ToString(),
    };

    /// <summary>A code as stored in text ("OwnName"), in words; text that names no code is shown as it is.</summary>
    public static string Code(string code) => Enum.TryParse<CodeValue>(code, ignoreCase: false, out var value) && Enum.IsDefined(value) ? Code(value) : code;

    [GeneratedRegex(@"\b(OwnName|Other|Unreadable)\b")]
    private static partial Regex CodeName();

    /// <summary>
    /// How an outcome was decided, with coder codes in words: "coded by 2: OwnName, Other" reads
    /// "coded by 2: own name, other word". Other details ("first name (0.93)") pass unchanged.
    /// </summary>
    public static string? MatchDetail(string? detail) =>
        detail is null || !detail.StartsWith("coded by ", StringComparison.Ordinal) ? detail : CodeName().Replace(detail, m => Code(m.Value));

    /// <summary>A place answer without the gazetteer id: "gn:2881279|Langen, Germany" reads "Langen, Germany"; typed text stays as typed.</summary>
    public static string Place(string answer) => new HomeTown(answer, HomeTownSource.Unmatched, null).Text;

    /// <summary>An answer as a researcher reads it: place answers without their id, everything else as given.</summary>
    public static string Answer(string answer) => answer.StartsWith(HomeTown.PickedPrefix, StringComparison.Ordinal) ? Place(answer) : answer;

    /// <summary>Why the first word was taken to end where it did, as a sentence part.</summary>
    public static string WordEnd(WordEnd end) => end switch
    {
        Core.Tasks.Pen.WordEnd.Pause => "ended: the participant paused before writing on",
        Core.Tasks.Pen.WordEnd.NewLine => "ended: the participant went on in a new line",
        _ => "ended: the participant finished writing",
    };

    /// <summary>A session's status in words.</summary>
    public static string Status(SessionStatus status) => status switch
    {
        SessionStatus.Active => "in progress",
        _ => status.ToString().ToLowerInvariant(),
    };
}
