using System.Globalization;
using SelfRef.Core.Gazetteer;

namespace SelfRef.Core.Tasks.Map;

/// <summary>How a home town answer was turned into a place.</summary>
public enum HomeTownSource { Picked, MatchedText, Unmatched }

/// <summary>
/// The answer to a "place" question and the gazetteer place it names. The answer is stored as
/// the participant's page sends it: <c>gn:{GeoNames id}|{name as shown}</c> when a suggestion was
/// picked (e.g. <c>gn:2867714|München, Germany</c>), otherwise the free text as typed. Free
/// text is resolved only by an exact name match (the largest such place); text that matches no
/// place is kept and flagged <see cref="HomeTownSource.Unmatched"/>.
/// </summary>
public sealed record HomeTown(string Answer, HomeTownSource Source, Place? Place)
{
    public const string PickedPrefix = "gn:";

    public static string Format(Place place, string shown) => $"{PickedPrefix}{place.Id.ToString(CultureInfo.InvariantCulture)}|{shown}";

    /// <summary>The text the participant saw or typed, without the id.</summary>
    public string Text => TryPicked(Answer, out _, out var shown) ? shown : Answer;

    public static HomeTown Resolve(string answer, Gazetteer.Gazetteer gazetteer)
    {
        if (TryPicked(answer, out var id, out _) && gazetteer.Find(id) is { } picked)
            return new HomeTown(answer, HomeTownSource.Picked, picked);
        var text = TryPicked(answer, out _, out var shown) ? shown : answer;
        var exact = gazetteer.Search(text, 1).FirstOrDefault(m => m.Quality == MatchQuality.Exact);
        return exact is null ? new HomeTown(answer, HomeTownSource.Unmatched, null) : new HomeTown(answer, HomeTownSource.MatchedText, exact.Place);
    }

    private static bool TryPicked(string answer, out int id, out string shown)
    {
        id = 0;
        shown = answer;
        if (!answer.StartsWith(PickedPrefix, StringComparison.Ordinal)) return false;
        var bar = answer.IndexOf('|');
        var digits = bar < 0 ? answer[PickedPrefix.Length..] : answer[PickedPrefix.Length..bar];
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out id)) return false;
        shown = bar < 0 ? "" : answer[(bar + 1)..];
        return true;
    }
}
