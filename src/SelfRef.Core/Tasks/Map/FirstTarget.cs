using SelfRef.Core.Events;

namespace SelfRef.Core.Tasks.Map;

/// <summary>How the first target was singled out.</summary>
public enum TargetInference { Search, ZoomHold, Click }

/// <summary>
/// The first place a participant singled out on the map: where (degrees), when (ms since onset),
/// at which zoom, how it was inferred, and for a chosen search result the gazetteer id.
/// </summary>
public sealed record FirstTarget(double Lat, double Lng, double T, double Zoom, TargetInference Inference, int? PlaceId);

/// <summary>
/// The rules of the first target, a pure function of a map step's events:
/// the earlier of the first chosen search result and the first held zoom-in (a view at
/// <see cref="MapStep.TargetZoom"/> or closer, reached by the participant and kept, without
/// changing zoom or moving its centre by more than a quarter of the view, for
/// <see cref="MapStep.DwellMs"/>; its centre is the target); if there is neither, the first click.
/// </summary>
public static class FirstTargetRules
{
    public static FirstTarget? Find(MapStep step, IReadOnlyList<StoredEvent> events)
    {
        var ordered = events.OrderBy(e => e.T).ThenBy(e => e.N).ToList();
        var choice = MapEvents.Choices(ordered).FirstOrDefault();
        var hold = FirstHold(step, ordered);
        var fromChoice = choice is null ? null : new FirstTarget(choice.Lat, choice.Lng, choice.T, double.NaN, TargetInference.Search, choice.Id);
        if (fromChoice is not null && (hold is null || fromChoice.T <= hold.T)) return fromChoice;
        if (hold is not null) return hold;
        return MapEvents.Clicks(ordered).Select(c => new FirstTarget(c.Lat, c.Lng, c.T, c.Zoom, TargetInference.Click, null)).FirstOrDefault();
    }

    /// <summary>Time of the participant's first action on the map: a move of the view, a click or a keystroke in the search box.</summary>
    public static double? FirstActionT(IReadOnlyList<StoredEvent> events) =>
        events
            .Where(e => e.Type is MapEvents.Click or MapEvents.PointerDown or MapEvents.SearchInput or MapEvents.SearchChoose
                || (e.Type == MapEvents.View && !MapEvents.Views([e]).Any(v => v.Initial)))
            .Select(e => (double?)e.T)
            .Min();

    private static FirstTarget? FirstHold(MapStep step, IReadOnlyList<StoredEvent> events)
    {
        var views = MapEvents.Views(events).ToList();
        // The view is held until the next view that breaks it, or until the step's last event
        // (the participant going on): nothing after that was seen.
        var end = events.Count == 0 ? 0 : events.Max(e => e.T);
        for (var i = 0; i < views.Count; i++)
        {
            var start = views[i];
            if (start.Initial || start.Zoom < step.TargetZoom) continue;
            var brokenAt = end;
            var j = i + 1;
            for (; j < views.Count; j++)
                if (Breaks(start, views[j])) { brokenAt = views[j].T; break; }
            if (brokenAt - start.T >= step.DwellMs)
                return new FirstTarget(start.Lat, start.Lng, start.T, start.Zoom, TargetInference.ZoomHold, null);
            i = j - 1;
        }
        return null;
    }

    private static bool Breaks(MapEvents.ViewEvent held, MapEvents.ViewEvent next)
    {
        if (Math.Abs(next.Zoom - held.Zoom) > 1e-6) return true;
        var height = held.North - held.South;
        var width = held.East - held.West;
        if (!double.IsFinite(height) || !double.IsFinite(width)) return next.Lat != held.Lat || next.Lng != held.Lng;
        var dLng = Math.Abs(next.Lng - held.Lng);
        if (dLng > 180) dLng = 360 - dLng;
        return Math.Abs(next.Lat - held.Lat) > height / 4 || dLng > Math.Abs(width) / 4;
    }
}
