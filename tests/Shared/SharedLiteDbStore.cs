using System.Collections.Concurrent;
using SelfRef.Core.Accounts;
using SelfRef.Core.Coding;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;

namespace SelfRef.Tests.Support;

/// <summary>
/// One LiteDB store that several session services (instances) in this process use at once, as
/// several server processes use one PostgreSQL database: it says it is shared, and holds an
/// experiment's slots with a lock of the process (PostgreSQL's holds them across processes).
/// Everything else is the LiteDB store's own.
/// </summary>
public sealed class SharedLiteDbStore(LiteDbStore inner) : IStore
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _slotLocks = new(StringComparer.Ordinal);

    /// <summary>How often a lock on slots was taken (to see that the services used it).</summary>
    public int SlotLocksTaken => Volatile.Read(ref _slotLocksTaken);
    private int _slotLocksTaken;

    public bool Shared => true;

    public async Task<IAsyncDisposable> LockSlots(string experimentId)
    {
        var gate = _slotLocks.GetOrAdd(experimentId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        Interlocked.Increment(ref _slotLocksTaken);
        return new Held(gate);
    }

    private sealed class Held(SemaphoreSlim gate) : IAsyncDisposable
    {
        private int _released;
        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
            return ValueTask.CompletedTask;
        }
    }

    public Task InsertSession(Session session) => inner.InsertSession(session);
    public Task SaveSession(Session session) => inner.SaveSession(session);
    public Task SaveRefusal(Session refusal) => inner.SaveRefusal(refusal);
    public Session? FindSession(string id) => inner.FindSession(id);
    public Session? FindSessionByToken(string token) => inner.FindSessionByToken(token);
    public IReadOnlyList<Session> SessionsOf(string experimentId) => inner.SessionsOf(experimentId);
    public Task<long> Append(string sessionId, EventBatch batch) => inner.Append(sessionId, batch);
    public long DurableSeq(string sessionId, string stream = "") => inner.DurableSeq(sessionId, stream);
    public IReadOnlyList<StoredBatch> Events(string sessionId, IReadOnlySet<string>? steps = null) => inner.Events(sessionId, steps);
    public Task SaveCode(CoderCode code) => inner.SaveCode(code);
    public Task DeleteCode(string sessionId, string stepId, string coder) => inner.DeleteCode(sessionId, stepId, coder);
    public IReadOnlyList<CoderCode> Codes(string experimentId) => inner.Codes(experimentId);
    public IReadOnlyList<CoderCode> CodesOf(string sessionId) => inner.CodesOf(sessionId);
    public Session? FindSessionByWithdrawalCode(string code) => inner.FindSessionByWithdrawalCode(code);
    public Task<DeletedRecords> DeleteSession(string sessionId) => inner.DeleteSession(sessionId);
    public Task<bool> DeleteIdentifiers(string sessionId) => inner.DeleteIdentifiers(sessionId);
    public Task LogDeletion(DeletionRecord record) => inner.LogDeletion(record);
    public IReadOnlyList<DeletionRecord> Deletions() => inner.Deletions();
    public Task SaveAccount(ResearcherAccount account) => inner.SaveAccount(account);
    public ResearcherAccount? FindAccount(string id) => inner.FindAccount(id);
    public int AccountCount() => inner.AccountCount();
    public IReadOnlyList<ResearcherAccount> Accounts() => inner.Accounts();
    public Task SaveExperimentState(ExperimentState state) => inner.SaveExperimentState(state);
    public IReadOnlyList<ExperimentState> ExperimentStates() => inner.ExperimentStates();
    public Task SaveExperimentVersion(ExperimentVersion version) => inner.SaveExperimentVersion(version);
    public IReadOnlyList<ExperimentVersion> ExperimentVersions() => inner.ExperimentVersions();
    public Task CheckWritable() => inner.CheckWritable();
    public Exception? Failure => inner.Failure;
    public event Action<Exception>? Failed { add => inner.Failed += value; remove => inner.Failed -= value; }

    /// <summary>The LiteDB store is the caller's to dispose.</summary>
    public void Dispose() { }
}
