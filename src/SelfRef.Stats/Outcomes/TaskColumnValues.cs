using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace SelfRef.Stats.Outcomes;

/// <summary>
/// A row's task columns as read from a CSV: every column of the header is a key (its value null when
/// the cell is empty), as a dictionary per row would hold them, but the names are shared by all rows
/// of the file and only the cells that hold something are stored. A million rows of a table with a
/// dozen task columns, most of them empty, then cost one small array each instead of a dictionary.
/// </summary>
internal sealed class TaskColumnValues : IReadOnlyDictionary<string, string?>
{
    private readonly Names _names;
    // Positions (in the header's order of task columns) of the cells that hold something, ascending, and their text.
    private readonly byte[] _present;
    private readonly string[] _values;

    private TaskColumnValues(Names names, byte[] present, string[] values)
    {
        _names = names;
        _present = present;
        _values = values;
    }

    /// <summary>The task columns of one file: names in header order, shared by its rows.</summary>
    internal sealed class Names
    {
        private readonly Dictionary<string, int> _index;

        public Names(IReadOnlyList<string> names)
        {
            if (names.Count > byte.MaxValue) throw new ArgumentException($"at most {byte.MaxValue} task columns", nameof(names));
            All = [.. names];
            _index = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
            for (var i = 0; i < All.Length; i++) _index.TryAdd(All[i], i);
            Empty = new TaskColumnValues(this, [], []);
        }

        public string[] All { get; }
        public TaskColumnValues Empty { get; }
        public bool TryIndex(string name, out int index) => _index.TryGetValue(name, out index);

        /// <param name="cells">One cell per name, null when empty.</param>
        public TaskColumnValues Of(ReadOnlySpan<string?> cells)
        {
            var count = 0;
            foreach (var c in cells) if (c is not null) count++;
            if (count == 0) return Empty;
            var present = new byte[count];
            var values = new string[count];
            for (int i = 0, j = 0; i < cells.Length; i++)
                if (cells[i] is { } text)
                {
                    present[j] = (byte)i;
                    values[j++] = text;
                }
            return new TaskColumnValues(this, present, values);
        }
    }

    public int Count => _names.All.Length;
    public IEnumerable<string> Keys => _names.All;
    public IEnumerable<string?> Values => _names.All.Select(n => this[n]);
    public bool ContainsKey(string key) => _names.TryIndex(key, out _);

    public string? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no column '{key}'");

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string? value)
    {
        value = null;
        if (!_names.TryIndex(key, out var index)) return false;
        var at = Array.IndexOf(_present, (byte)index);
        if (at >= 0) value = _values[at];
        return true;
    }

    public IEnumerator<KeyValuePair<string, string?>> GetEnumerator()
    {
        for (int i = 0, j = 0; i < _names.All.Length; i++)
            yield return KeyValuePair.Create(_names.All[i], j < _present.Length && _present[j] == i ? _values[j++] : null);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
