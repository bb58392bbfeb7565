using System.Threading.Channels;
using LiteDB;

namespace SelfRef.Core.Storage;

/// <summary>
/// The one thread that writes to the database. LiteDB transactions belong to the thread that
/// began them, so every write runs here, synchronously; work queued by many connections is
/// committed together in one transaction (group commit) and each caller's task completes only
/// after that commit.
/// </summary>
internal sealed class SingleWriter : IDisposable
{
    public const int MaxGroup = 2048;
    // A group also closes after this much work, so one slow write cannot hold every acknowledgement for long.
    private static readonly TimeSpan MaxGroupWork = TimeSpan.FromMilliseconds(20);

    private readonly LiteDatabase _db;
    private readonly Channel<Work> _queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _thread;

    public SingleWriter(LiteDatabase db)
    {
        _db = db;
        _thread = new Thread(Run) { IsBackground = true, Name = "SelfRef database writer" };
        _thread.Start();
    }

    /// <summary>Commits observed since start; with <see cref="Writes"/> it shows how well commits are grouped.</summary>
    public long Commits { get; private set; }
    public long Writes { get; private set; }

    /// <param name="apply">runs on the writer thread inside the group's transaction; it must check before it writes, and throw only before writing.</param>
    /// <param name="undo">runs on the writer thread if the group's commit fails, to forget in-memory state <paramref name="apply"/> changed.</param>
    public Task<T> Enqueue<T>(Func<LiteDatabase, T> apply, Action? undo = null) => Add(new Work<T>(apply, undo, exclusive: false));

    /// <summary>
    /// Runs <paramref name="apply"/> on the writer thread between two groups, outside any
    /// transaction: for what LiteDB refuses inside one (checkpoint, rebuild).
    /// </summary>
    public Task<T> EnqueueExclusive<T>(Func<LiteDatabase, T> apply) => Add(new Work<T>(apply, null, exclusive: true));

    private Task<T> Add<T>(Work<T> work)
    {
        if (!_queue.Writer.TryWrite(work)) throw new ObjectDisposedException(nameof(SingleWriter), "the database is closed");
        return work.Completion.Task;
    }

    private void Run()
    {
        var applied = new List<Work>(MaxGroup);
        var clock = new System.Diagnostics.Stopwatch();
        Work? exclusive = null;
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            applied.Clear();
            clock.Restart();
            try
            {
                _db.BeginTrans();
                while (applied.Count < MaxGroup && clock.Elapsed < MaxGroupWork && _queue.Reader.TryRead(out var work))
                {
                    // Exclusive work ends the group: it runs once the group is committed.
                    if (work.Exclusive) { exclusive = work; break; }
                    try { work.Apply(_db); applied.Add(work); }
                    catch (Exception e) { work.Fail(e); }
                }
                if (!_db.Commit()) throw new LiteException(0, "the database did not commit the transaction");
                Commits++;
                Writes += applied.Count;
                foreach (var work in applied) work.Complete();
            }
            catch (Exception e)
            {
                try { _db.Rollback(); } catch (LiteException) { /* the commit's own error is the one to report */ }
                foreach (var work in applied)
                {
                    work.Undo();
                    work.Fail(new IOException("the write could not be made durable: " + e.Message, e));
                }
            }
            if (exclusive is not null)
            {
                try { exclusive.Apply(_db); exclusive.Complete(); }
                catch (Exception e) { exclusive.Fail(e); }
                exclusive = null;
            }
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _thread.Join();
    }

    private abstract class Work
    {
        public bool Exclusive { get; init; }
        public abstract void Apply(LiteDatabase db);
        public abstract void Complete();
        public abstract void Fail(Exception e);
        public abstract void Undo();
    }

    private sealed class Work<T> : Work
    {
        private readonly Func<LiteDatabase, T> apply;
        private readonly Action? undo;

        public Work(Func<LiteDatabase, T> apply, Action? undo, bool exclusive)
        {
            this.apply = apply;
            this.undo = undo;
            Exclusive = exclusive;
        }

        public readonly TaskCompletionSource<T> Completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;
        public override void Apply(LiteDatabase db) => _result = apply(db);
        public override void Complete() => Completion.TrySetResult(_result);
        public override void Fail(Exception e) => Completion.TrySetException(e);
        public override void Undo() => undo?.Invoke();
    }
}
