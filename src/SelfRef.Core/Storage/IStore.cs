using SelfRef.Core.Accounts;
using SelfRef.Core.Coding;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;

namespace SelfRef.Core.Storage;

/// <summary>
/// Where sessions, events and accounts live. Every write completes only once it is durable;
/// reads see committed data. The LiteDB store is the default; a PostgreSQL store can stand
/// behind the same interface.
/// </summary>
public interface IStore : IDisposable
{
    Task InsertSession(Session session);
    Task SaveSession(Session session);
    /// <summary>Replaces the session by its refusal and deletes every event it produced.</summary>
    Task SaveRefusal(Session refusal);
    Session? FindSession(string id);
    Session? FindSessionByToken(string token);
    IReadOnlyList<Session> SessionsOf(string experimentId);

    /// <summary>
    /// Stores a batch once: a batch already durable is a no-op, one that overlaps the durable
    /// events stores only its new tail. Completes with the highest durable sequence number.
    /// </summary>
    /// <exception cref="BatchRefusedException">the batch leaves a gap.</exception>
    Task<long> Append(string sessionId, EventBatch batch);
    /// <summary>The highest durable event number of one stream (browser tab) of the session.</summary>
    long DurableSeq(string sessionId, string stream = "");
    /// <summary>All batches of the session: stream by stream in the order the streams began, each in sequence.</summary>
    IReadOnlyList<StoredBatch> Events(string sessionId);

    /// <summary>Stores a coder's code, replacing that coder's earlier code of the same answer.</summary>
    Task SaveCode(CoderCode code);
    IReadOnlyList<CoderCode> Codes(string experimentId);

    /// <summary>The session whose withdrawal code this is (as issued, see Secrets.NormalizeWithdrawalCode).</summary>
    Session? FindSessionByWithdrawalCode(string code);
    /// <summary>Deletes the session, every event it produced and every code given to it; later batches of it are refused.</summary>
    Task<DeletedRecords> DeleteSession(string sessionId);
    /// <summary>
    /// Rewrites the data of the session's stored events: <paramref name="rewrite"/> gets step id,
    /// event type and data (JSON) and returns the data to keep. Returns how many events changed.
    /// </summary>
    Task<int> RewriteEventData(string sessionId, Func<string, string, string?, string?> rewrite);
    Task LogDeletion(DeletionRecord record);
    IReadOnlyList<DeletionRecord> Deletions();
    /// <summary>
    /// If anything was deleted or rewritten since the last time: rewrites the database file so that
    /// it holds no bytes of what is gone. Returns whether it did.
    /// </summary>
    Task<bool> Compact();

    Task SaveAccount(ResearcherAccount account);
    ResearcherAccount? FindAccount(string id);
    int AccountCount();
    IReadOnlyList<ResearcherAccount> Accounts();

    /// <summary>Stores whether an experiment takes new participants (open, paused, closed).</summary>
    Task SaveExperimentState(ExperimentState state);
    IReadOnlyList<ExperimentState> ExperimentStates();
}

public sealed class BatchRefusedException(string message) : Exception(message);
