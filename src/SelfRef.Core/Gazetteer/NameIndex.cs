using System.Text;

namespace SelfRef.Core.Gazetteer;

/// <summary>
/// Every name of every place (main and alternate), as sorted search keys in one byte array, so
/// that exact and prefix look-ups are a binary search and a short scan. Each entry also points
/// at the name as written, for showing which name matched.
/// </summary>
internal sealed class NameIndex
{
    private readonly byte[] _keys;
    private readonly byte[] _texts;
    private readonly Entry[] _entries;

    internal readonly record struct Entry(int KeyStart, int TextStart, int Place, ushort KeyLength, ushort TextLength);

    private NameIndex(byte[] keys, byte[] texts, Entry[] entries)
    {
        _keys = keys;
        _texts = texts;
        _entries = entries;
    }

    public int Count => _entries.Length;

    public int Place(int entry) => _entries[entry].Place;

    public ReadOnlySpan<byte> Key(int entry) => _keys.AsSpan(_entries[entry].KeyStart, _entries[entry].KeyLength);

    public string Text(int entry) => Encoding.UTF8.GetString(_texts, _entries[entry].TextStart, _entries[entry].TextLength);

    /// <summary>Whether the entry's name as written is <paramref name="text"/>, without making a string of it: a search asks this of every name it matches.</summary>
    public bool TextIs(int entry, string text)
    {
        // Names longer than 255 characters are not in the index (see Builder.Add).
        if (text.Length > 255) return false;
        Span<byte> encoded = stackalloc byte[text.Length * 3];
        var length = Encoding.UTF8.GetBytes(text, encoded);
        return encoded[..length].SequenceEqual(_texts.AsSpan(_entries[entry].TextStart, _entries[entry].TextLength));
    }

    /// <summary>The range of entries whose key starts with <paramref name="prefix"/>.</summary>
    public (int Start, int End) PrefixRange(ReadOnlySpan<byte> prefix)
    {
        int lo = 0, hi = _entries.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (Key(mid).SequenceCompareTo(prefix) < 0) lo = mid + 1; else hi = mid;
        }
        var start = lo;
        hi = _entries.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (Key(mid).StartsWith(prefix)) lo = mid + 1; else hi = mid;
        }
        return (start, lo);
    }

    /// <summary>Collects names and sorts them once at load time.</summary>
    internal sealed class Builder
    {
        private readonly MemoryStream _keys = new();
        private readonly MemoryStream _texts = new();
        private readonly List<Entry> _entries = [];
        private readonly List<ulong> _prefixes = [];
        private readonly byte[] _buffer = new byte[1024];

        public void Add(int place, ReadOnlySpan<char> text, string key)
        {
            if (key.Length == 0 || key.Length > 255 || text.Length > 255) return;
            var keyLength = Encoding.UTF8.GetBytes(key, _buffer);
            var keyStart = (int)_keys.Position;
            _keys.Write(_buffer, 0, keyLength);
            _prefixes.Add(Prefix(_buffer.AsSpan(0, keyLength)));
            var textLength = Encoding.UTF8.GetBytes(text, _buffer);
            var textStart = (int)_texts.Position;
            _texts.Write(_buffer, 0, textLength);
            _entries.Add(new Entry(keyStart, textStart, place, (ushort)keyLength, (ushort)textLength));
        }

        public NameIndex Build()
        {
            var keys = _keys.ToArray();
            var texts = _texts.ToArray();
            var entries = _entries.ToArray();
            var prefixes = _prefixes.ToArray();
            // Sorting by the first eight bytes as one number is a primitive sort; only runs that
            // share those bytes are then sorted by the whole key.
            Array.Sort(prefixes, entries);
            var comparer = Comparer<Entry>.Create((a, b) =>
                keys.AsSpan(a.KeyStart, a.KeyLength).SequenceCompareTo(keys.AsSpan(b.KeyStart, b.KeyLength)));
            for (int start = 0, end; start < entries.Length; start = end)
            {
                end = start + 1;
                while (end < entries.Length && prefixes[end] == prefixes[start]) end++;
                if (end - start > 1) Array.Sort(entries, start, end - start, comparer);
            }
            return new NameIndex(keys, texts, entries);
        }

        /// <summary>The first eight bytes, big-endian, zero-padded: orders like the bytes themselves.</summary>
        private static ulong Prefix(ReadOnlySpan<byte> key)
        {
            ulong value = 0;
            for (var i = 0; i < 8; i++) value = (value << 8) | (i < key.Length ? key[i] : (byte)0);
            return value;
        }
    }
}
