namespace SelfRef.Web.Researcher;

/// <summary>
/// Lock-out after repeated failed logins: <see cref="MaxFailures"/> failures for one user name, or
/// from one client address, within <see cref="Window"/> lock further attempts of that name or
/// address for <see cref="LockOut"/>. Unknown names are counted and locked like real ones, so the
/// lock-out says nothing about which accounts exist. A successful login forgets the name's
/// failures (not the address's: logging in to one's own account must not reset an address that
/// tries other names). Kept in memory; a restart forgets it.
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan LockOut = TimeSpan.FromMinutes(15);
    // Beyond this many names and addresses, the ones with nothing recent are dropped.
    private const int PruneAbove = 10_000;

    private sealed class Entry
    {
        public readonly Queue<DateTimeOffset> Failures = new();
        public DateTimeOffset LockedUntil;
    }

    private readonly Dictionary<string, Entry> _entries = [];
    private readonly Lock _lock = new();

    private static IEnumerable<string> Keys(string user, string? address)
    {
        yield return "user:" + (user.Length > 100 ? user[..100] : user).ToLowerInvariant();
        yield return "address:" + (address ?? "unknown");
    }

    /// <summary>Until when attempts for this name or from this address are refused; null if they are not.</summary>
    public DateTimeOffset? LockedUntil(string user, string? address)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var until = Keys(user, address).Select(k => _entries.GetValueOrDefault(k)?.LockedUntil ?? default).Max();
            return until > now ? until : null;
        }
    }

    public void Failed(string user, string? address)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_entries.Count > PruneAbove) Prune(now);
            foreach (var key in Keys(user, address))
            {
                if (!_entries.TryGetValue(key, out var entry)) _entries[key] = entry = new Entry();
                if (entry.LockedUntil > now) continue;
                while (entry.Failures.TryPeek(out var oldest) && oldest <= now - Window) entry.Failures.Dequeue();
                entry.Failures.Enqueue(now);
                if (entry.Failures.Count < MaxFailures) continue;
                entry.LockedUntil = now + LockOut;
                entry.Failures.Clear();
            }
        }
    }

    public void Succeeded(string user)
    {
        lock (_lock) _entries.Remove(Keys(user, null).First());
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries.ToList())
            if (entry.LockedUntil <= now && entry.Failures.All(f => f <= now - Window)) _entries.Remove(key);
    }
}
