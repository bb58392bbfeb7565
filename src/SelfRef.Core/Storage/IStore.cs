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
    /// <summary>The session with exactly this id (pseudonym); null if there is none or it was erased.</summary>
    Session? FindSession(string id);
    /// <summary>The session with exactly this token (compared byte by byte, whatever the database's collation).</summary>
    Session? FindSessionByToken(string token);
    IReadOnlyList<Session> SessionsOf(string experimentId);
    /// <summary>
    /// The sessions of the experiment whose identifier key still exists, i.e. those whose
    /// identifiers retention may still have to delete. A store may return more (every session:
    /// the default) but never fewer; the LiteDB store answers from its key file, so a retention
    /// pass costs the sessions still holding identifiers, not every session ever stored.
    /// A store may read them as they are enumerated (the LiteDB and the PostgreSQL store do): a pass
    /// then keeps one decrypted session at a time, not all of them for as long as it runs, and a
    /// session erased before the walk reaches it is not handed over. Enumerate it once.
    /// </summary>
    IEnumerable<Session> SessionsHoldingIdentifiers(string experimentId) => SessionsOf(experimentId);

    /// <summary>
    /// Stores a batch once: a batch already durable is a no-op, one that overlaps the durable
    /// events stores only its new tail. Completes with the highest durable sequence number.
    /// </summary>
    /// <exception cref="BatchRefusedException">the batch leaves a gap.</exception>
    Task<long> Append(string sessionId, EventBatch batch);
    /// <summary>The highest durable event number of one stream (browser tab) of the session.</summary>
    long DurableSeq(string sessionId, string stream = "");
    /// <summary>
    /// All batches of the session (of the <paramref name="steps"/> given only: what is left out is
    /// not opened): stream by stream in the order the streams' first returned batches came in,
    /// each in sequence.
    /// </summary>
    IReadOnlyList<StoredBatch> Events(string sessionId, IReadOnlySet<string>? steps = null);

    /// <summary>Stores a coder's code, replacing that coder's earlier code of the same answer.</summary>
    Task SaveCode(CoderCode code);
    /// <summary>Removes one coder's code of an answer (a coder's "undo"); <paramref name="coder"/> is the code's <see cref="CoderCode.Slot"/>.</summary>
    Task DeleteCode(string sessionId, string stepId, string coder);
    IReadOnlyList<CoderCode> Codes(string experimentId);
    /// <summary>The codes given to one session.</summary>
    IReadOnlyList<CoderCode> CodesOf(string sessionId);

    /// <summary>The session whose withdrawal code this is (as issued, see Secrets.NormalizeWithdrawalCode); compared exactly.</summary>
    Session? FindSessionByWithdrawalCode(string code);
    /// <summary>
    /// Erases the session: its keys are destroyed first (nothing it sent or answered can be read
    /// from then on, wherever a copy of the bytes remains), then its session record, events and
    /// codes are deleted; later batches of it are refused.
    /// </summary>
    Task<DeletedRecords> DeleteSession(string sessionId);
    /// <summary>Destroys the key of the session's identifying answers, recruitment ids and event fields (retention ended). Returns whether it existed.</summary>
    Task<bool> DeleteIdentifiers(string sessionId);
    Task LogDeletion(DeletionRecord record);
    IReadOnlyList<DeletionRecord> Deletions();

    Task SaveAccount(ResearcherAccount account);
    ResearcherAccount? FindAccount(string id);
    int AccountCount();
    IReadOnlyList<ResearcherAccount> Accounts();

    /// <summary>Stores whether an experiment takes new participants (open, paused, closed).</summary>
    Task SaveExperimentState(ExperimentState state);
    IReadOnlyList<ExperimentState> ExperimentStates();

    /// <summary>Stores a version of an experiment file (its text), unless that experiment's version with this hash is stored already.</summary>
    Task SaveExperimentVersion(ExperimentVersion version);
    /// <summary>Every stored version of every experiment.</summary>
    IReadOnlyList<ExperimentVersion> ExperimentVersions();

    /// <summary>
    /// Whether several server instances write this store at once (a database server behind a
    /// proxy). Then no instance may trust what it holds in memory of sessions: the session service
    /// reads every session from the store, and assignment slots are chosen under
    /// <see cref="LockSlots"/> from <see cref="TakenSlots"/>. A store of one process (LiteDB) is
    /// not shared: the service counts slots and keeps sessions under way in memory.
    /// </summary>
    bool Shared => false;

    /// <summary>
    /// Holds the experiment's assignment slots for this caller against every instance until the
    /// result is disposed (a database lock that a crashed instance loses with its connection).
    /// Only a <see cref="Shared"/> store needs it.
    /// </summary>
    Task<IAsyncDisposable> LockSlots(string experimentId) =>
        throw new NotSupportedException($"{GetType().Name} serves one instance: its assignment slots are counted in memory");

    /// <summary>The assignment slots held now: those of active and completed sessions that take one (pilots do not).</summary>
    IReadOnlyCollection<int> TakenSlots(string experimentId) =>
        SessionsOf(experimentId).Select(s => s.HeldSlot).OfType<int>().ToList();

    /// <summary>Writes and reads back a small record now; throws when the store cannot store.</summary>
    Task CheckWritable();
    /// <summary>Why the store stopped writing; null while it works.</summary>
    Exception? Failure { get; }
    /// <summary>Raised once when the store stops writing for good (its database failed): the server must stop.</summary>
    event Action<Exception>? Failed;
}

/// <summary>A batch the store will not take (gap, ended session, quota); the message says why, for the browser.</summary>
public sealed class BatchRefusedException(string message) : WriteRefusedException(message);
