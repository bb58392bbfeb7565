using System.Collections.Concurrent;

namespace SelfRef.Core.Storage;

/// <summary>
/// What the store remembers of the sessions that send now, in two generations: entries are set in
/// the young one, and each <see cref="Rotate"/> drops the old generation and makes the young one old.
/// An entry not set again for one to two generations is forgotten, so the memory follows the
/// sessions under way rather than every session since the start (docs/benchmarks.md, "What grows").
/// A forgotten entry is read back from the file by the caller, who also decides whether a hit in the
/// old generation may be set again in the young one (<see cref="TryGet"/> never does).
/// Rotate, and Set and Remove of values that change, come from one thread (the store's writer);
/// lookups from any thread. A value that never changes may be set from any thread: such a Set can
/// race with a Remove and bring the entry back, and it then ages out like any other.
/// </summary>
internal sealed class TwoGenerationCache<T>
{
    private volatile ConcurrentDictionary<string, T> _young = new(StringComparer.Ordinal);
    private volatile ConcurrentDictionary<string, T> _old = new(StringComparer.Ordinal);

    /// <summary>Entries in both generations (a key set in both counts twice).</summary>
    public int Count => _young.Count + _old.Count;

    public bool TryGet(string key, out T value) => _young.TryGetValue(key, out value!) || _old.TryGetValue(key, out value!);

    public bool Contains(string key) => _young.ContainsKey(key) || _old.ContainsKey(key);

    public void Set(string key, T value) => _young[key] = value;

    public void Remove(string key)
    {
        _young.TryRemove(key, out _);
        _old.TryRemove(key, out _);
    }

    public void RemoveStartingWith(string prefix)
    {
        foreach (var generation in (ConcurrentDictionary<string, T>[])[_young, _old])
            foreach (var key in generation.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)))
                generation.TryRemove(key, out _);
    }

    public void Rotate()
    {
        // Young becomes old before the new young is empty: a lookup in between finds an entry in one of them.
        _old = _young;
        _young = new ConcurrentDictionary<string, T>(StringComparer.Ordinal);
    }
}
