using System.Text.Json;
using SelfRef.Core.Events;
using SelfRef.Core.Tasks.NameLetters;

namespace SelfRef.Core.Tests.Tasks.NameLetters;

/// <summary>
/// Builds the events name-letters.js logs, page load by page load (a reload or another tab starts a
/// new load with its own onset, grid and picks), and puts them on the step's timeline as the server
/// does (StepEvents.Of).
/// </summary>
public sealed class LetterEvents
{
    private readonly List<StoredBatch> _batches = [];
    private List<StoredEvent> _load = [];
    private List<string> _grid = [];
    private string _stream = "";
    private double _onsetAt;

    /// <summary>A page load showing <paramref name="grid"/> (the letters in the order shown), its onset <paramref name="onsetAtMs"/> after the first's.</summary>
    public LetterEvents Load(string grid, double onsetAtMs = 0, string stream = "tab")
    {
        Close();
        (_grid, _stream, _onsetAt) = (grid.Select(c => c.ToString()).ToList(), stream, onsetAtMs);
        Add(-5, NameLettersEvents.Grid, new { seed = 12345, letters = _grid, columns = 6 });
        Add(0, CommonEvents.Onset, new { index = 2, at = 1_767_225_600_000.0 + onsetAtMs });
        return this;
    }

    public LetterEvents Pick(double t, string letter, string pointer = "mouse") =>
        Add(t, NameLettersEvents.Pick, new { letter, index = _grid.IndexOf(letter), pt = pointer });

    public LetterEvents Unpick(double t, string letter) =>
        Add(t, NameLettersEvents.Unpick, new { letter, index = _grid.IndexOf(letter), pt = "mouse" });

    public LetterEvents Add(double t, string type, object data)
    {
        // Numbered per stream, as each tab's outbox numbers its events.
        var n = _batches.Where(b => b.Stream == _stream).Sum(b => b.Events.Count) + _load.Count + 1;
        _load.Add(new StoredEvent(n, t, type, JsonSerializer.Serialize(data, JsonSerializerOptions.Web)));
        return this;
    }

    /// <summary>The step's events on one timeline.</summary>
    public IReadOnlyList<StoredEvent> Events
    {
        get
        {
            Close();
            return StepEvents.Of(_batches, "letters");
        }
    }

    private void Close()
    {
        if (_load.Count == 0) return;
        _batches.Add(new StoredBatch("P-1", _stream, _load[0].N, _load[^1].N, "letters", DateTime.UnixEpoch.AddSeconds(_batches.Count + _onsetAt / 1000), _load));
        _load = [];
    }
}
