using System.Text.Json;
using SelfRef.Core.Events;

namespace SelfRef.Core.Tasks.Pen;

/// <summary>The first word typed in the keyboard variant, and when.</summary>
public sealed record FirstToken(string Text, double StartMs, double EndMs, WordEnd EndedBy);

/// <summary>
/// Follows the text after every edit (text.input events). The first token is fixed when a space
/// or line break follows it, when it is shortened or changed (the participant starts deleting),
/// or after a pause longer than the gap; so a name typed and then deleted is still the first token.
/// </summary>
public static class KeyboardFirstToken
{
    public static FirstToken? Find(IEnumerable<StoredEvent> events, double gapMs)
    {
        string? token = null;
        double start = 0, last = 0;
        foreach (var e in events.Where(e => e.Type == "text.input" && e.DataJson is not null).OrderBy(e => e.T).ThenBy(e => e.N))
        {
            using var doc = JsonDocument.Parse(e.DataJson!);
            var text = doc.RootElement.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "";
            var trimmed = text.TrimStart();
            var cut = trimmed.IndexOfAny([' ', '\t', '\n', '\r']);
            var current = cut < 0 ? trimmed : trimmed[..cut];
            if (token is null)
            {
                if (current.Length == 0) continue;
                (token, start, last) = (current, e.T, e.T);
                if (cut >= 0) return new FirstToken(token, start, e.T, WordEnd.Pause);
                continue;
            }
            if (e.T - last > gapMs) return new FirstToken(token, start, last, WordEnd.Pause);
            if (!current.StartsWith(token, StringComparison.Ordinal) || current.Length < token.Length)
                return new FirstToken(token, start, last, WordEnd.Pause);
            token = current;
            last = e.T;
            if (cut >= 0) return new FirstToken(token, start, e.T, trimmed[cut] is '\n' or '\r' ? WordEnd.NewLine : WordEnd.Pause);
        }
        return token is null ? null : new FirstToken(token, start, last, WordEnd.EndOfWriting);
    }
}
