namespace SelfRef.Core.Sessions;

/// <summary>
/// Which assignment slots of one experiment are taken. A new participant takes the lowest free
/// slot, so a slot freed by a decline or an abandoned session goes to the next arrival and the
/// conditions of those who stay remain balanced. Thread-safe.
/// </summary>
public sealed class SlotTable
{
    private readonly SortedSet<int> _free = [];
    private readonly HashSet<int> _taken = [];
    private int _next;
    private readonly Lock _lock = new();

    public SlotTable(IEnumerable<int> taken)
    {
        foreach (var slot in taken) _taken.Add(slot);
        _next = _taken.Count == 0 ? 0 : _taken.Max() + 1;
        for (var slot = 0; slot < _next; slot++)
            if (!_taken.Contains(slot)) _free.Add(slot);
    }

    public int Take()
    {
        lock (_lock)
        {
            int slot;
            if (_free.Count > 0) { slot = _free.Min; _free.Remove(slot); }
            else slot = _next++;
            _taken.Add(slot);
            return slot;
        }
    }

    /// <summary>Takes a slot only while fewer than <paramref name="limit"/> are taken (checked and taken at once).</summary>
    public bool TryTake(int limit, out int slot)
    {
        lock (_lock)
        {
            slot = -1;
            if (_taken.Count >= limit) return false;
            slot = Take();
            return true;
        }
    }

    /// <summary>
    /// Takes this one slot if nobody holds it (a returning session asking for its own slot back);
    /// false if it is taken.
    /// </summary>
    public bool TryTakeSlot(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        lock (_lock)
        {
            if (_taken.Contains(slot)) return false;
            // A slot above all taken ones (known only from a session stored before a restart): the ones between are free.
            for (; _next <= slot; _next++) _free.Add(_next);
            _free.Remove(slot);
            _taken.Add(slot);
            return true;
        }
    }

    public void Release(int slot)
    {
        lock (_lock)
            if (_taken.Remove(slot)) _free.Add(slot);
    }

    public int TakenCount { get { lock (_lock) return _taken.Count; } }
}
