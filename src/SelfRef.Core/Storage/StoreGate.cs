using System.Diagnostics;

namespace SelfRef.Core.Storage;

/// <summary>
/// The one gate of a LiteDB file: the writer holds it for each group, every read for its own
/// turn (LiteDB 5.0.21's page cache is not safe when threads use one database at once, LiteDB
/// issue #2817). A lock lets the thread that just released it take it again first, and the
/// writer does so after every group while writes queue; so readers say that they wait, and the
/// writer lets them in before its next group, for at most <see cref="MaxReaderTurn"/>, so a
/// stream of reads cannot hold acknowledgements up either.
/// </summary>
internal sealed class StoreGate
{
    private static readonly long MaxReaderTurn = Stopwatch.Frequency / 500; // 2 ms
    private int _readersWaiting;

    public Lock Lock { get; } = new();

    /// <summary>Enters for a read; <paramref name="busy"/> runs first when the gate is taken.</summary>
    public void EnterRead(Action? busy = null)
    {
        if (Lock.TryEnter()) return;
        busy?.Invoke();
        Interlocked.Increment(ref _readersWaiting);
        try { Lock.Enter(); }
        finally { Interlocked.Decrement(ref _readersWaiting); }
    }

    public void Exit() => Lock.Exit();

    /// <summary>Before the writer opens a group: readers already waiting go first.</summary>
    public void LetReadersIn()
    {
        if (Volatile.Read(ref _readersWaiting) == 0) return;
        var until = Stopwatch.GetTimestamp() + MaxReaderTurn;
        var spin = new SpinWait();
        while (Volatile.Read(ref _readersWaiting) > 0 && Stopwatch.GetTimestamp() < until) spin.SpinOnce();
    }
}
