using System.Threading.Channels;

namespace SelfRef.Core.Storage;

/// <summary>
/// A write refused before anything was written (a sequence gap, a deleted session, a quota):
/// only its sender hears of it, the writes grouped with it go on.
/// </summary>
public class WriteRefusedException(string message) : Exception(message);

/// <summary>The store cannot write any more (its database failed); the server must stop or reopen it.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// The one thread that writes to the database (LiteDB transactions belong to the thread that
/// began them; PostgreSQL's belong to one connection), so every write runs here, synchronously; work queued by many connections is
/// committed together in one transaction (group commit) and each caller's task completes only
/// after that commit.
///
/// One write never spoils another: a write may refuse (<see cref="WriteRefusedException"/>,
/// thrown before it writes anything) and the group goes on; a write that fails in any other way
/// is rolled back with its group, and the group is applied again without it. In-memory state
/// that writes change is published only after the commit (<c>committed</c>) and dropped on a
/// rollback (<c>rolledBack</c>), so it always equals what the file holds. If the database itself
/// fails (begin, commit or rollback throws), the writer stops: every queued and later write fails
/// with <see cref="StoreUnavailableException"/> and <see cref="Failed"/> is raised once.
///
/// The writer holds the store's gate for a whole group (begin to commit or rollback, retries
/// included): LiteDB 5.0.21's page cache is not safe when threads use one database at once
/// (LiteDB issue #2817), so every read of the LiteDB store takes the same gate and no read runs
/// while a group is open. (The PostgreSQL store's reads use connections of their own and never
/// take its gate.)
/// </summary>
internal sealed class SingleWriter : IDisposable
{
    /// <summary>The most writes one group commits unless the store asks for fewer.</summary>
    public const int DefaultMaxGroup = 2048;
    // A group also closes after this much work, so one slow write cannot hold every acknowledgement for long.
    private static readonly TimeSpan MaxGroupWork = TimeSpan.FromMilliseconds(20);

    private readonly IGroupTransactions _db;
    private readonly int _maxGroup;
    private readonly StoreGate _gate;
    private readonly Action _committed, _rolledBack;
    private readonly Channel<Work> _queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _thread;
    private volatile Exception? _failure;
    private volatile bool _inGroup;

    /// <param name="db">the transactions of the database the writes go to; used on the writer thread only.</param>
    /// <param name="gate">every other use of <paramref name="db"/> that must not overlap a group holds it too.</param>
    /// <param name="maxGroup">the most writes one group commits (a backlog is committed in several groups).</param>
    public SingleWriter(IGroupTransactions db, StoreGate gate, Action committed, Action rolledBack, int maxGroup = DefaultMaxGroup)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxGroup, 1);
        _db = db;
        _maxGroup = maxGroup;
        _gate = gate;
        _committed = committed;
        _rolledBack = rolledBack;
        _thread = new Thread(Run) { IsBackground = true, Name = "SelfRef database writer" };
        _thread.Start();
    }

    /// <summary>Commits observed since start; with <see cref="Writes"/> it shows how well commits are grouped.</summary>
    public long Commits { get; private set; }
    public long Writes { get; private set; }
    /// <summary>Groups applied again after a write in them failed.</summary>
    public long Retries { get; private set; }
    /// <summary>The most writes one commit has held since start.</summary>
    public int LargestGroup { get; private set; }

    /// <summary>Tests only: a group's transaction is open (between its begin and its commit or rollback).</summary>
    internal bool InGroup => _inGroup;

    /// <summary>Whether the calling thread is the writer's.</summary>
    internal bool OnWriterThread => Thread.CurrentThread == _thread;

    /// <summary>Why the writer stopped; null while it works.</summary>
    public Exception? Failure => _failure;

    /// <summary>Raised once, on a pool thread, when the database fails and the writer stops.</summary>
    public event Action<Exception>? Failed;

    /// <param name="apply">runs on the writer thread inside the group's transaction; it may run again if another write of its group fails, so it changes in-memory state only through the store's pending state.</param>
    public Task<T> Enqueue<T>(Func<T> apply) => Add(new Work<T>(apply, exclusive: false));

    /// <summary>
    /// Runs <paramref name="apply"/> on the writer thread between two groups, outside any
    /// transaction: for what a database refuses inside one (LiteDB's checkpoint, PostgreSQL's VACUUM).
    /// </summary>
    public Task<T> EnqueueExclusive<T>(Func<T> apply) => Add(new Work<T>(apply, exclusive: true));

    private Task<T> Add<T>(Work<T> work)
    {
        if (_failure is { } failure) throw Unavailable(failure);
        if (!_queue.Writer.TryWrite(work)) throw new StoreUnavailableException("the database is closed");
        return work.Completion.Task;
    }

    private static StoreUnavailableException Unavailable(Exception cause) =>
        new("the database cannot write: " + cause.Message, cause);

    private void Run()
    {
        var applied = new List<Work>(_maxGroup);
        var clock = new System.Diagnostics.Stopwatch();
        try
        {
            while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                applied.Clear();
                Work? exclusive = null;
                _gate.LetReadersIn();
                lock (_gate.Lock)
                {
                    clock.Restart();
                    Begin();
                    while (applied.Count < _maxGroup && clock.Elapsed < MaxGroupWork && _queue.Reader.TryRead(out var work))
                    {
                        // Exclusive work ends the group: it runs once the group is committed.
                        if (work.Exclusive) { exclusive = work; break; }
                        switch (Apply(work))
                        {
                            case Outcome.Applied: applied.Add(work); break;
                            case Outcome.Broken: Reapply(applied); break;
                        }
                    }
                    Database(() => _db.Commit());
                    _inGroup = false;
                    // Published before the gate opens: a reader sees memory and file agree.
                    _committed();
                }
                Commits++;
                Writes += applied.Count;
                LargestGroup = Math.Max(LargestGroup, applied.Count);
                foreach (var work in applied) work.Complete();
                if (exclusive is not null)
                {
                    try
                    {
                        lock (_gate.Lock) exclusive.Apply();
                        exclusive.Complete();
                    }
                    catch (Exception e) { exclusive.Fail(e); }
                }
            }
        }
        catch (DatabaseFailure failure)
        {
            Stop(failure.InnerException!, applied);
        }
        catch (Exception e)
        {
            Stop(e, applied);
        }
    }

    private enum Outcome { Applied, Refused, Broken }

    /// <summary>Applies one write. Broken: it failed after it may have written, so the transaction must be rolled back.</summary>
    private Outcome Apply(Work work)
    {
        try
        {
            work.Apply();
            return Outcome.Applied;
        }
        catch (WriteRefusedException e)
        {
            work.Fail(e);
            return Outcome.Refused;
        }
        catch (Exception e) when (e is not DatabaseFailure)
        {
            work.Fail(e);
            return Outcome.Broken;
        }
    }

    /// <summary>A write failed after writing: roll the group back and apply the writes before it again, without it.</summary>
    private void Reapply(List<Work> applied)
    {
        while (true)
        {
            Retries++;
            Database(() => _db.Rollback());
            _rolledBack();
            Begin();
            var broken = false;
            for (var i = 0; i < applied.Count && !broken; i++)
            {
                switch (Apply(applied[i]))
                {
                    case Outcome.Applied: continue;
                    case Outcome.Refused: applied.RemoveAt(i--); continue;
                    case Outcome.Broken: applied.RemoveAt(i); broken = true; break;
                }
            }
            if (!broken) return;
        }
    }

    private void Begin()
    {
        Database(() => _db.Begin());
        _inGroup = true;
    }

    // A failure of the database itself (not of one write) stops the writer.
    private sealed class DatabaseFailure(Exception inner) : Exception(inner.Message, inner);

    private static void Database(Action call)
    {
        try { call(); }
        catch (Exception e) { throw new DatabaseFailure(e); }
    }

    private void Stop(Exception cause, List<Work> applied)
    {
        _failure = cause;
        _queue.Writer.TryComplete();
        lock (_gate.Lock)
        {
            try { _db.Rollback(); } catch { /* the database already failed; its own error is the one to report */ }
            _inGroup = false;
            _rolledBack();
        }
        var error = Unavailable(cause);
        foreach (var work in applied) work.Fail(error);
        while (_queue.Reader.TryRead(out var work)) work.Fail(error);
        ThreadPool.QueueUserWorkItem(_ => Failed?.Invoke(cause));
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _thread.Join();
    }

    private abstract class Work
    {
        public bool Exclusive { get; init; }
        public abstract void Apply();
        public abstract void Complete();
        public abstract void Fail(Exception e);
    }

    private sealed class Work<T> : Work
    {
        private readonly Func<T> apply;

        public Work(Func<T> apply, bool exclusive)
        {
            this.apply = apply;
            Exclusive = exclusive;
        }

        public readonly TaskCompletionSource<T> Completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;
        public override void Apply() => _result = apply();
        public override void Complete() => Completion.TrySetResult(_result);
        public override void Fail(Exception e) => Completion.TrySetException(e);
    }
}
