using System.Collections.Concurrent;
using SelfRef.Core.Coding;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Storage;
using SelfRef.Core.Tasks;

namespace SelfRef.Core.Sessions;

/// <summary>Thrown when a participant's request cannot be carried out; the message says why.</summary>
public sealed class SessionException(string message, IReadOnlyList<AnswerProblem>? problems = null) : Exception(message)
{
    public IReadOnlyList<AnswerProblem> Problems { get; } = problems ?? [];
}

/// <summary>
/// Starts sessions, assigns conditions and moves participants through their steps. The server,
/// not the browser, decides the current step.
/// </summary>
public sealed class SessionService
{
    private readonly IStore _store;
    private readonly TimeProvider _time;
    private readonly ExperimentCatalog _catalog;
    // Slots per experiment, read from the store when an experiment is first asked for (one may appear while serving).
    private readonly ConcurrentDictionary<string, Lazy<SlotTable>> _slots = new(StringComparer.Ordinal);
    // Last sign of life per session, kept in memory so that every event batch need not write the session.
    private readonly ConcurrentDictionary<string, DateTime> _lastSeen = new();
    // The last event the server received of each session (its type and when), for the monitor.
    private readonly ConcurrentDictionary<string, LastEvent> _lastEvent = new();
    // Sessions in progress by token: every change goes through this service, so the cache stays
    // true and an event batch needs no database read to find its session. Only active sessions
    // stay: an ended or abandoned one is read from the store when asked for (a late batch, a
    // reload of the last page), so memory holds the sessions under way, not every session a
    // long study has seen (the 10-minute browser soak grew by every finished visit).
    private readonly ConcurrentDictionary<string, Session> _byToken = new(StringComparer.Ordinal);
    // A cache write, and a miss's store read with the insert after it, hold the token's stripe:
    // a read that began before a change can then never put the older state back after the change
    // replaced or evicted it.
    private readonly Lock[] _cacheStripes = Enumerable.Range(0, 64).Select(_ => new Lock()).ToArray();
    // Tokens of sessions withdrawn since start: a lookup that read the store just before the
    // erasure must not put the session back into the cache.
    private readonly ConcurrentDictionary<string, bool> _withdrawn = new(StringComparer.Ordinal);
    // The researcher's status per experiment as stored (absent: open).
    private readonly ConcurrentDictionary<string, ExperimentStatus> _status;
    // Experiments the researcher archived, as stored.
    private readonly ConcurrentDictionary<string, bool> _archived;

    private readonly OutcomeDeriver? _deriver;

    /// <param name="catalog">the experiments: the version each new session starts on, and every version a session may be pinned to.</param>
    /// <param name="deriver">derives task outcomes when a participant leaves a task step and when what they read changes; without it none are stored.</param>
    public SessionService(IStore store, ExperimentCatalog catalog, TimeProvider time, OutcomeDeriver? deriver = null)
    {
        _store = store;
        _time = time;
        _deriver = deriver;
        _catalog = catalog;
        var states = store.ExperimentStates();
        _status = new(states.ToDictionary(s => s.Id, s => s.Status), StringComparer.Ordinal);
        _archived = new(states.Where(s => s.Archived).ToDictionary(s => s.Id, _ => true), StringComparer.Ordinal);
        if (!store.Shared) foreach (var history in catalog.Histories) _ = SlotsOf(history.Id);
    }

    /// <summary>Experiments given as objects, each served as given (tests, tools): <see cref="ExperimentCatalog.Of"/>.</summary>
    public SessionService(IStore store, IEnumerable<Experiment> experiments, TimeProvider time, OutcomeDeriver? deriver = null)
        : this(store, ExperimentCatalog.Of(store, experiments, time), time, deriver) { }

    public ExperimentCatalog Catalog => _catalog;

    /// <summary>The experiments new sessions can start in (their current versions).</summary>
    public IReadOnlyCollection<Experiment> Experiments => _catalog.Experiments;

    /// <summary>Every experiment with sessions or versions, served now or not.</summary>
    public IReadOnlyCollection<string> ExperimentIds => _catalog.Histories.Select(h => h.Id).ToList();

    /// <summary>
    /// The experiment's slots as this instance may choose from them: counted in memory for a store
    /// of one instance; read from the store for a shared one, where the caller holds
    /// <see cref="SharedSlotLock"/> from this read until the session holding the slot is stored.
    /// </summary>
    private SlotTable SlotsNow(string experimentId) => _store.Shared ? new SlotTable(_store.TakenSlots(experimentId)) : SlotsOf(experimentId);

    /// <summary>For a shared store, the lock on the experiment's slots against every instance; null (nothing to hold) for a store of one instance.</summary>
    private async Task<IAsyncDisposable?> SharedSlotLock(string experimentId) => _store.Shared ? await _store.LockSlots(experimentId) : null;

    /// <summary>Frees a slot counted in memory; a shared store's slots follow from the stored sessions, so there is nothing to free.</summary>
    private void Release(string experimentId, int slot)
    {
        if (!_store.Shared) SlotsOf(experimentId).Release(slot);
    }

    private SlotTable SlotsOf(string experimentId) => _slots.GetOrAdd(experimentId, id => new Lazy<SlotTable>(() => new SlotTable(
        _store.SessionsOf(id).Select(s => s.HeldSlot).OfType<int>()))).Value;

    /// <summary>Raised after a session was started or changed and the change is stored (for live views).</summary>
    public event Action<Session>? Changed;

    /// <summary>Raised after a session was deleted (withdrawn): live views forget it.</summary>
    public event Action<Session>? Removed;

    private Session Stored(Session session)
    {
        lock (CacheStripe(session.Token))
        {
            if (_withdrawn.ContainsKey(session.Token)) { }
            else if (Live(session) && !_store.Shared) _byToken[session.Token] = session;
            else if (!Live(session)) Forget(session);
        }
        Changed?.Invoke(session);
        return session;
    }

    private Lock CacheStripe(string token) => _cacheStripes[(uint)StringComparer.Ordinal.GetHashCode(token) % (uint)_cacheStripes.Length];

    /// <summary>Whether the server keeps the session in memory: it is under way (see <see cref="_byToken"/>).</summary>
    private static bool Live(Session session) => session.Status == SessionStatus.Active;

    // What the server holds in memory of a session that is no longer under way; its stored record has the rest.
    private void Forget(Session session)
    {
        _byToken.TryRemove(session.Token, out _);
        _lastSeen.TryRemove(session.Id, out _);
        _lastEvent.TryRemove(session.Id, out _);
    }

    /// <summary>How many sessions the server holds in memory (the cache, last signs of life, last events): those under way, whatever the study's size.</summary>
    public (int Sessions, int LastSeen, int LastEvents) InMemory => (_byToken.Count, _lastSeen.Count, _lastEvent.Count);

    /// <summary>The experiment as new sessions see it (its current version); null when it is not served.</summary>
    public Experiment? Experiment(string id) => _catalog.Current(id);

    /// <summary>Every version of the experiment (served now or not); null for an experiment never seen.</summary>
    public ExperimentHistory? History(string id) => _catalog.History(id);

    /// <summary>The experiment as the session's own version says: what it is shown, derived and exported by.</summary>
    public Experiment ExperimentOf(Session session) =>
        _catalog.ExperimentOf(session) ?? throw new SessionException($"no version of experiment '{session.ExperimentId}' is known");

    /// <summary>Raised after a researcher changed an experiment's status and it is stored.</summary>
    public event Action<string>? StatusChanged;

    /// <summary>
    /// Whether the experiment takes new participants now: the stored status, or full when an
    /// open experiment's completed and active sessions reach its target sample size (a slot freed
    /// by a decline or an abandoned session is free again).
    /// </summary>
    public ExperimentStatus Status(string experimentId)
    {
        var experiment = Experiment(experimentId) ?? throw new SessionException($"no experiment '{experimentId}'");
        var stored = _status.GetValueOrDefault(experimentId);
        if (stored != ExperimentStatus.Open) return stored;
        var taken = _store.Shared ? _store.TakenSlots(experimentId).Count : SlotsOf(experimentId).TakenCount;
        return taken >= experiment.TargetSampleSize ? ExperimentStatus.Full : ExperimentStatus.Open;
    }

    /// <summary>The status a researcher set (open, paused, closed); open when none was set.</summary>
    public ExperimentStatus SetStatusOf(string experimentId) => _status.GetValueOrDefault(experimentId);

    /// <summary>Opens, pauses or closes an experiment for new participants; running sessions go on either way.</summary>
    public async Task SetStatus(string experimentId, ExperimentStatus status, string changedBy)
    {
        if (Experiment(experimentId) is null) throw new SessionException($"no experiment '{experimentId}'");
        if (status == ExperimentStatus.Full) throw new SessionException("'full' cannot be set: it follows from the target sample size");
        await _store.SaveExperimentState(new ExperimentState { Id = experimentId, Status = status, Archived = IsArchived(experimentId), ChangedAt = Now, ChangedBy = changedBy });
        _status[experimentId] = status;
        StatusChanged?.Invoke(experimentId);
    }

    /// <summary>Whether the researcher archived the experiment (hidden on the dashboard by default).</summary>
    public bool IsArchived(string experimentId) => _archived.ContainsKey(experimentId);

    /// <summary>Archives a study or brings it back; its status, sessions and data stay as they are.</summary>
    public async Task SetArchived(string experimentId, bool archived, string changedBy)
    {
        if (History(experimentId) is null) throw new SessionException($"no experiment '{experimentId}'");
        await _store.SaveExperimentState(new ExperimentState { Id = experimentId, Status = SetStatusOf(experimentId), Archived = archived, ChangedAt = Now, ChangedBy = changedBy });
        if (archived) _archived[experimentId] = true;
        else _archived.TryRemove(experimentId, out _);
    }

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    /// <summary>With a shared store, how often a session's sign of life is written to it (see <see cref="Touch"/>).</summary>
    public static readonly TimeSpan SharedSeenEvery = TimeSpan.FromSeconds(30);

    public async Task<Session> Start(string experimentId, string language, IReadOnlyDictionary<string, string> recruitment, string? userAgent)
    {
        var (experiment, version) = Served(experimentId);
        if (_status.GetValueOrDefault(experimentId) is var stored and not ExperimentStatus.Open)
            throw new ExperimentUnavailableException(experimentId, stored);
        // Another instance may be choosing a slot of the same experiment now: with a shared store the
        // choice and the insert are made under one lock held against every instance.
        await using var held = await SharedSlotLock(experimentId);
        if (!SlotsNow(experimentId).TryTake(experiment.TargetSampleSize, out var slot))
            throw new ExperimentUnavailableException(experimentId, ExperimentStatus.Full);
        var (condition, steps) = Assigned(experiment, slot);
        var now = Now;
        var session = new Session
        {
            Id = Secrets.Pseudonym(),
            Token = Secrets.Token(),
            ExperimentId = experimentId,
            Version = version,
            ConditionId = condition.Id,
            Slot = slot,
            // Chosen from the version served a moment before; a file changed since may no longer offer it.
            Language = experiment.Languages.FirstOrDefault(l => l.Equals(language, StringComparison.OrdinalIgnoreCase)) ?? experiment.Languages[0],
            Recruitment = experiment.Recruitment.Parameters
                .Where(recruitment.ContainsKey)
                .ToDictionary(p => p, p => recruitment[p].Length > 200 ? recruitment[p][..200] : recruitment[p]),
            Status = SessionStatus.Active,
            Steps = steps,
            Visits = [new StepVisit { StepId = steps[0], EnteredAt = now }],
            CompletionCode = experiment.Recruitment.CompletionCode ?? Secrets.CompletionCode(),
            WithdrawalCode = Secrets.WithdrawalCode(),
            StartedAt = now,
            LastSeenAt = now,
            UserAgent = userAgent is { Length: > 300 } ? userAgent[..300] : userAgent,
        };
        try { await _store.InsertSession(session); }
        catch { Release(experimentId, slot); throw; }
        return Stored(session);
    }

    /// <summary>
    /// The current version of the experiment and its hash, read from one snapshot of its history: the
    /// file may change while a session starts, and the session's steps and the version it is pinned
    /// to must come from the same content.
    /// </summary>
    private (Experiment Experiment, string Version) Served(string experimentId) =>
        TryServed(experimentId) ?? throw new SessionException($"no experiment '{experimentId}'");

    private (Experiment Experiment, string Version)? TryServed(string experimentId) =>
        _catalog.History(experimentId) is { CurrentVersion: { } version } history && history.Read(version.Hash) is { } experiment
            ? (experiment, version.Hash)
            : null;

    /// <summary>
    /// A researcher's pilot run: the real pages and logging in the condition chosen (the first when
    /// none is), starting at the step chosen (the first when none is). It takes no slot, whatever
    /// the status (a paused or full study can be previewed), and is marked so that outcomes,
    /// reports and exports leave it out unless asked for.
    /// </summary>
    public async Task<Session> StartPilot(string experimentId, string? conditionId, string? language, string? stepId, string? userAgent)
    {
        var (experiment, version) = Served(experimentId);
        var conditions = experiment.EffectiveConditions;
        var condition = string.IsNullOrEmpty(conditionId) ? conditions[0] : conditions.FirstOrDefault(c => c.Id == conditionId)
            ?? throw new SessionException($"experiment '{experimentId}' has no condition '{conditionId}'; its conditions are {string.Join(", ", conditions.Select(c => c.Id))}");
        var steps = ExperimentFlow.StepsFor(experiment, condition).Select(s => s.Id).ToList();
        var index = string.IsNullOrEmpty(stepId) ? 0 : steps.IndexOf(stepId);
        if (index < 0) throw new SessionException($"condition '{condition.Id}' of '{experimentId}' has no step '{stepId}'; its steps are {string.Join(", ", steps)}");
        var languages = experiment.Languages.ToList();
        var lang = string.IsNullOrEmpty(language) ? languages[0] : languages.FirstOrDefault(l => l.Equals(language, StringComparison.OrdinalIgnoreCase))
            ?? throw new SessionException($"experiment '{experimentId}' is not offered in '{language}'; its languages are {string.Join(", ", languages)}");
        var now = Now;
        var session = new Session
        {
            Id = Secrets.Pseudonym(),
            Token = Secrets.Token(),
            ExperimentId = experimentId,
            Version = version,
            Pilot = true,
            ConditionId = condition.Id,
            Slot = -1,
            Language = lang,
            Status = SessionStatus.Active,
            Steps = steps,
            StepIndex = index,
            Visits = [new StepVisit { StepId = steps[index], EnteredAt = now }],
            CompletionCode = experiment.Recruitment.CompletionCode ?? Secrets.CompletionCode(),
            WithdrawalCode = Secrets.WithdrawalCode(),
            StartedAt = now,
            LastSeenAt = now,
            UserAgent = userAgent is { Length: > 300 } ? userAgent[..300] : userAgent,
        };
        await _store.InsertSession(session);
        return Stored(session);
    }

    /// <summary>The condition of an assignment slot (balanced seeded blocks) and the step ids it walks.</summary>
    private static (Condition Condition, List<string> Steps) Assigned(Experiment experiment, int slot)
    {
        var conditions = experiment.EffectiveConditions;
        var condition = conditions[BlockRandomization.ConditionOf(experiment.Assignment.Seed, conditions.Count, slot)];
        return (condition, ExperimentFlow.StepsFor(experiment, condition).Select(s => s.Id).ToList());
    }

    public Session? Find(string token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        // Another instance may have changed or erased it since: the store is the only truth.
        if (_store.Shared) return _store.FindSessionByToken(token);
        if (_byToken.TryGetValue(token, out var cached)) return cached;
        lock (CacheStripe(token))
        {
            if (_byToken.TryGetValue(token, out cached)) return cached;
            var stored = _store.FindSessionByToken(token);
            if (stored is null || _withdrawn.ContainsKey(token)) return null;
            if (Live(stored)) _byToken[token] = stored;
            return stored;
        }
    }

    // One change at a time per session (two tabs may click at once); each change starts from the
    // latest state. Striped by session id rather than one lock per session, so that no lock
    // outlives its session in memory and none is removed while someone waits on it; no change
    // takes a second session's lock, so two sessions sharing a stripe only wait, never deadlock.
    private readonly SemaphoreSlim[] _changeStripes = Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    private SemaphoreSlim ChangeStripe(string sessionId) => _changeStripes[(uint)StringComparer.Ordinal.GetHashCode(sessionId) % (uint)_changeStripes.Length];

    // Two counters per stripe of tokens (see Appended): batches stored and advances stored. An
    // advance whose stripe stored a batch while it derived may have missed a batch of the step it
    // left; a batch whose stripe stored no advance since its hub found the session need not look
    // the session up again. Striped, so that nothing is kept per session.
    private const int CountStripes = 4096;
    private readonly long[] _batchesStored = new long[CountStripes];
    private readonly long[] _advancesStored = new long[CountStripes];

    private static int CountStripe(string token) => (int)((uint)StringComparer.Ordinal.GetHashCode(token) % CountStripes);

    /// <summary>What the hub notes before it finds the session a batch is for (see <see cref="Appended"/>).</summary>
    public long AdvanceMark(string token) => Volatile.Read(ref _advancesStored[CountStripe(token)]);

    /// <summary>
    /// A batch of the step was stored for the session (the hub calls this after the store
    /// acknowledged it, with the <see cref="AdvanceMark"/> it noted before it found the session).
    /// True when the participant has left the step by now, so that its outcome must be derived
    /// again (late events: a reload, a second tab, or a last batch that crossed the advance).
    /// Decided on the session as it stands after the commit, not on the caller's copy, which may be
    /// older than an advance that already read the step's events; an advance still deriving sees
    /// this batch counted and derives again itself (AdvanceNow). Within one process: with several
    /// instances on a shared store an advance on another instance does not see the count.
    /// </summary>
    public bool Appended(Session session, string stepId, long advanceMark)
    {
        var stripe = CountStripe(session.Token);
        // Both counters are Interlocked (full fences): either this lookup sees the advance's count
        // (and the save before it), or the advance's check after its save sees this batch's.
        Interlocked.Increment(ref _batchesStored[stripe]);
        var index = session.Steps.IndexOf(stepId);
        if (index < 0) return false;
        if (OutcomeDeriver.Left(session, index)) return true;
        if (Volatile.Read(ref _advancesStored[stripe]) == advanceMark) return false;
        return Find(session.Token) is { } current && OutcomeDeriver.Left(current, index);
    }

    /// <summary>Raised when outcomes of the steps must be derived again later (an advance was stored, deriving a batch that crossed it failed).</summary>
    public event Action<Session, IReadOnlyCollection<string>>? DeriveLater;

    private async Task<Session> Exclusive(Session session, Func<Session, Task<Session>> change)
    {
        var gate = ChangeStripe(session.Id);
        await gate.WaitAsync();
        // A session no longer found was withdrawn meanwhile (or never stored): nothing is changed,
        // so that no change can write a withdrawn participant's record back.
        try { return Find(session.Token) is { } current ? await change(current) : session; }
        finally { gate.Release(); }
    }

    private async Task<Session> Save(Session session)
    {
        // A session whose identifiers were deleted keeps only de-identified outcomes, also when it
        // goes on afterwards (an abandoned participant who comes back after the retention days):
        // its identifier key is gone, so no later retention pass would find what it derives now.
        if (session.IdentifiersDeletedAt is not null && session.Outcomes.Values.Any(o => !o.Deidentified))
            session = session with { Outcomes = Privacy.RetentionPass.WithoutIdentifiers(ExperimentOf(session), session.Outcomes) };
        await _store.SaveSession(session);
        return Stored(session);
    }

    /// <summary>Records a sign of life (with the type of the last event received, if it came with events); a session that had been given up as abandoned is active again.</summary>
    public async Task<Session> Touch(Session session, string? lastEventType = null)
    {
        var now = Now;
        // Of a session under way only: a late batch of an ended one must not bring it back into
        // memory. Decided under the token's stripe from the cache, not from the caller's copy, which
        // may be the state from just before the session ended (and was forgotten).
        if (Live(session))
            lock (CacheStripe(session.Token))
                // A shared store's session was just read from the store (nothing is cached).
                if (_store.Shared || _byToken.ContainsKey(session.Token))
                {
                    _lastSeen[session.Id] = now;
                    if (lastEventType is not null) _lastEvent[session.Id] = new LastEvent(lastEventType, now);
                }
        Seen?.Invoke(session);
        // Every instance sweeps abandoned sessions, and the others cannot see this one's memory: the
        // sign of life is stored now and then, well within any abandonment limit.
        if (_store.Shared && session.Status == SessionStatus.Active && now - session.LastSeenAt >= SharedSeenEvery)
            return await Exclusive(session, current => current.Status == SessionStatus.Active && now - current.LastSeenAt >= SharedSeenEvery
                ? Save(current with { LastSeenAt = now })
                : Task.FromResult(current));
        if (session.Status != SessionStatus.Abandoned) return session;
        return await Exclusive(session, async current =>
        {
            if (current.Status != SessionStatus.Abandoned) return current;
            await using var held = await SharedSlotLock(current.ExperimentId);
            return await SaveHoldingSlot(Reactivated(current, SlotsNow(current.ExperimentId)));
        });
    }

    /// <summary>Whether the participant has not agreed yet: the session is still on its consent step.</summary>
    private static bool NeverConsented(Session session, Experiment experiment) =>
        experiment.Steps.FirstOrDefault(s => s.Id == session.CurrentStep) is ConsentStep;

    /// <summary>
    /// An abandoned session that shows a sign of life takes part again and holds a slot again, so
    /// that every active session holds one and the slots stay balanced. One that never consented
    /// has seen nothing of its condition yet (consent comes first), so it arrives again like a new
    /// participant: the lowest free slot and that slot's condition, even when the study has filled
    /// up meanwhile (it may finish above the target rather than be sent away from an open page).
    /// One that had consented keeps its condition and takes its own slot back if nobody has it
    /// since; otherwise it finishes beside the one who took it (one more in that condition).
    /// </summary>
    private Session Reactivated(Session session, SlotTable slots)
    {
        var now = Now;
        if (!session.TakesSlot) return session with { Status = SessionStatus.Active, LastSeenAt = now };
        // Like a new arrival, one who never consented gets the version new sessions start on now.
        if (NeverConsented(session, ExperimentOf(session)) && TryServed(session.ExperimentId) is var (current, version))
        {
            var slot = slots.Take();
            var (condition, steps) = Assigned(current, slot);
            if (steps.Count > 0 && steps[0] == session.CurrentStep)
                return session with
                {
                    Status = SessionStatus.Active, Slot = slot, ConditionId = condition.Id, Steps = steps, StepIndex = 0, LastSeenAt = now,
                    Version = version,
                };
            slots.Release(slot);
        }
        slots.TryTakeSlot(session.Slot);
        return session with { Status = SessionStatus.Active, LastSeenAt = now };
    }

    // A reactivated session's slot is taken in memory before it is stored; a failed write gives it back.
    private async Task<Session> SaveHoldingSlot(Session session)
    {
        try { return await Save(session); }
        catch
        {
            if (session.TakesSlot) Release(session.ExperimentId, session.Slot);
            throw;
        }
    }

    /// <summary>
    /// Leaves the current step, storing a questionnaire's answers, and enters the next. Sending
    /// a step already left again changes nothing, so a repeated click or request is harmless.
    /// </summary>
    public Task<Session> Advance(Session session, string stepId, IReadOnlyDictionary<string, string?>? answers) =>
        Exclusive(session, current => AdvanceNow(current, stepId, answers));

    private async Task<Session> AdvanceNow(Session session, string stepId, IReadOnlyDictionary<string, string?>? answers)
    {
        if (!session.IsOpen) throw new SessionException($"the session is {session.Status.ToString().ToLowerInvariant()}");
        var index = session.Steps.IndexOf(stepId);
        if (index < 0) throw new SessionException($"step '{stepId}' is not part of this session");
        if (index < session.StepIndex) return session;
        if (index > session.StepIndex) throw new SessionException($"step '{stepId}' is not reached yet; the current step is '{session.CurrentStep}'");
        if (session.StepIndex == session.Steps.Count - 1) return session;
        var reactivated = session.Status == SessionStatus.Abandoned;

        var experiment = ExperimentOf(session);
        var stored = new Dictionary<string, string>(session.Answers);
        if (experiment.Steps.FirstOrDefault(s => s.Id == stepId) is QuestionnaireStep questionnaire)
        {
            var (checkedAnswers, problems) = AnswerRules.Check(questionnaire, answers ?? new Dictionary<string, string?>());
            if (problems.Count > 0) throw new SessionException("some answers need attention", problems);
            foreach (var (question, value) in checkedAnswers) stored[$"{stepId}.{question}"] = value;
        }

        // A participant given up as abandoned (e.g. who did not consent in time) goes on, holding a slot again.
        await using var held = reactivated ? await SharedSlotLock(session.ExperimentId) : null;
        if (reactivated) session = Reactivated(session, SlotsNow(session.ExperimentId));
        var now = Now;
        var next = session.StepIndex + 1;
        var visits = session.Visits.Select(v => v.StepId == stepId && v.LeftAt is null ? v with { LeftAt = now } : v).ToList();
        visits.Add(new StepVisit { StepId = session.Steps[next], EnteredAt = now });
        var finished = next == session.Steps.Count - 1;
        var advanced = session with
        {
            StepIndex = next,
            Visits = visits,
            Answers = stored,
            LastSeenAt = now,
            Status = finished ? SessionStatus.Completed : SessionStatus.Active,
            EndedAt = finished ? now : null,
        };
        _lastSeen[session.Id] = now;
        // Leaving a task step, or answering what a task compares with (name, home town): its outcome is derived now.
        // Nothing else this advance changes is read by a derivation (see OutcomeDeriver.Due).
        var changed = Enumerable.Range(0, session.Steps.Count)
            .Where(i => OutcomeDeriver.Left(advanced, i) && !OutcomeDeriver.Left(session, i)).Select(i => session.Steps[i]);
        if (!SameAnswers(stored, session.Answers)) changed = session.Steps;
        var due = OutcomeDeriver.Due(experiment, advanced, changed);
        var stripe = CountStripe(session.Token);
        var batches = Volatile.Read(ref _batchesStored[stripe]);
        advanced = Derived(advanced, due) ?? advanced;
        var saved = reactivated ? await SaveHoldingSlot(advanced) : await Save(advanced);
        Interlocked.Increment(ref _advancesStored[stripe]);
        // A batch stored while this derived (the page sends a step's last events as it moves on)
        // whose hub did not see this advance stored: nobody else derives it again (see Appended).
        if (due.Count == 0 || Volatile.Read(ref _batchesStored[stripe]) == batches) return saved;
        try
        {
            if (Derived(saved, due) is { } again) saved = await Save(again);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The advance is stored; the participant goes on, and the outcomes are derived later.
            DeriveLater?.Invoke(saved, due.ToList());
        }
        return saved;
    }

    /// <summary>
    /// Derives the session's task outcomes again from what is stored now (late events, new codes)
    /// and stores them if they changed. Returns the session as stored.
    /// </summary>
    public Task<Session> UpdateOutcomes(Session session) => Exclusive(session, async current =>
    {
        var updated = Derived(current);
        return updated is null ? current : await Save(updated);
    });

    /// <summary>The same after events of the <paramref name="steps"/> came in late: their outcomes (and any not current, see OutcomeDeriver.Due) are derived again.</summary>
    public Task<Session> UpdateOutcomes(Session session, IReadOnlyCollection<string> steps) => Exclusive(session, async current =>
    {
        var updated = _catalog.ExperimentOf(current) is { } experiment ? Derived(current, OutcomeDeriver.Due(experiment, current, steps)) : null;
        return updated is null ? current : await Save(updated);
    });

    /// <summary>Stores a coder's code and derives the coded session's outcomes again (the code decides them).</summary>
    public async Task SaveCode(CoderCode code)
    {
        await _store.SaveCode(code);
        if (_store.FindSession(code.SessionId) is { } session) await UpdateOutcomes(session);
    }

    /// <summary>Removes a code (a coder's undo) and derives the coded session's outcomes again.</summary>
    public async Task DeleteCode(CoderCode code)
    {
        await _store.DeleteCode(code.SessionId, code.StepId, code.Slot);
        if (_store.FindSession(code.SessionId) is { } session) await UpdateOutcomes(session);
    }

    /// <summary>
    /// Derives outcomes again for the sessions of the experiment (all experiments when null) that
    /// the scope takes in. Outcomes whose identifiers are gone stay as they are. Returns how many
    /// sessions changed.
    /// </summary>
    public async Task<int> Rederive(string? experimentId, RederiveScope scope)
    {
        var changed = 0;
        foreach (var id in ExperimentIds.Where(id => experimentId is null || id == experimentId))
            foreach (var session in _store.SessionsOf(id))
            {
                if (scope != RederiveScope.All && !Stale(ExperimentOf(session), session, olderRules: scope == RederiveScope.Stale)) continue;
                var before = session.Outcomes;
                var after = await UpdateOutcomes(_byToken.GetValueOrDefault(session.Token) ?? session);
                // Compared, not by reference: an ended session comes back from the store as a new copy.
                if (!SameOutcomes(before, after.Outcomes)) changed++;
            }
        return changed;
    }

    private static bool SameOutcomes(IReadOnlyDictionary<string, StoredOutcome> a, IReadOnlyDictionary<string, StoredOutcome> b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var other) && pair.Value.SameAs(other));

    /// <summary>Whether a task step the session left has no outcome (or, with <paramref name="olderRules"/>, one of an older rule that can still be derived again).</summary>
    public static bool Stale(Experiment experiment, Session session, bool olderRules = true)
    {
        for (var index = 0; index < session.Steps.Count; index++)
        {
            if (!OutcomeDeriver.Left(session, index) || experiment.Steps.FirstOrDefault(s => s.Id == session.Steps[index]) is not { } step
                || StepTypes.TaskOf(step) is not { } type) continue;
            if (session.Outcomes.GetValueOrDefault(step.Id) is not { } stored || (olderRules && !stored.Deidentified && stored.Rule != type.RuleVersion)) return true;
        }
        return false;
    }

    /// <summary>The session with its outcomes (of the <paramref name="steps"/> only, when given) derived again; null when they are as stored.</summary>
    private Session? Derived(Session session, IReadOnlySet<string>? steps = null)
    {
        if (_deriver is null || steps is { Count: 0 } || _catalog.ExperimentOf(session) is not { } experiment) return null;
        var outcomes = _deriver.Derive(experiment, session, _store.Events(session.Id, steps), _store.CodesOf(session.Id), Now, steps);
        return outcomes is null ? null : session with { Outcomes = outcomes };
    }

    private static bool SameAnswers(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var value) && string.Equals(value, pair.Value, StringComparison.Ordinal));

    /// <summary>The participant declines consent: the session shrinks to its refusal and its slot is freed.</summary>
    public Task<Session> Decline(Session session) => Exclusive(session, DeclineNow);

    private async Task<Session> DeclineNow(Session session)
    {
        var experiment = ExperimentOf(session);
        if (session.Status == SessionStatus.Declined) return session;
        if (!session.IsOpen || experiment.Steps.FirstOrDefault(s => s.Id == session.CurrentStep) is not ConsentStep)
            throw new SessionException("consent can be declined only on the consent step");
        var now = Now;
        var refusal = new Session
        {
            Id = session.Id,
            Token = session.Token,
            ExperimentId = session.ExperimentId,
            Version = session.Version,
            Pilot = session.Pilot,
            Language = session.Language,
            Status = SessionStatus.Declined,
            Steps = session.Steps,
            StepIndex = session.StepIndex,
            StartedAt = session.StartedAt,
            LastSeenAt = now,
            EndedAt = now,
        };
        await _store.SaveRefusal(refusal);
        Stored(refusal);
        if (session.Status == SessionStatus.Active && session.TakesSlot) Release(session.ExperimentId, session.Slot);
        _lastSeen.TryRemove(session.Id, out _);
        return refusal;
    }

    /// <summary>
    /// The participant withdraws: the session, its events and its codes are deleted, its slot is
    /// freed if it was still running, and the deletion is logged without anything that leads back
    /// to the person. Returns what was deleted.
    /// </summary>
    public Task<DeletedRecords> Withdraw(Session session) => Erase(session, logged: true);

    private async Task<DeletedRecords> Erase(Session session, bool logged)
    {
        var gate = ChangeStripe(session.Id);
        await gate.WaitAsync();
        try
        {
            var current = Find(session.Token) ?? session;
            lock (CacheStripe(current.Token))
            {
                _withdrawn[current.Token] = true;
                _byToken.TryRemove(current.Token, out _);
            }
            var deleted = await _store.DeleteSession(current.Id);
            _lastSeen.TryRemove(current.Id, out _);
            _lastEvent.TryRemove(current.Id, out _);
            if (current.Status == SessionStatus.Active && current.TakesSlot) Release(current.ExperimentId, current.Slot);
            // A pilot's deletion is the researcher tidying up, not a participant leaving: the withdrawal log does not count it.
            if (logged && !current.Pilot) await _store.LogDeletion(new DeletionRecord
            {
                Day = Now.Date,
                ExperimentId = current.ExperimentId,
                Reason = current.Status == SessionStatus.Completed ? "withdrawn after the study" : "withdrawn during the study",
                Sessions = deleted.Sessions,
                EventBatches = deleted.EventBatches,
                Events = deleted.Events,
                Codes = deleted.Codes,
            });
            Removed?.Invoke(current);
            return deleted;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Deletes every pilot session of the experiment (erased like a withdrawal, but not logged as one). Returns how many.</summary>
    public async Task<int> DeletePilots(string experimentId)
    {
        var pilots = _store.SessionsOf(experimentId).Where(s => s.Pilot).ToList();
        foreach (var pilot in pilots) await Erase(pilot, logged: false);
        return pilots.Count;
    }

    public const int MaxExclusionReason = 500;

    /// <summary>
    /// Excludes sessions of the experiment from the analysis with a reason, or restores them
    /// (<paramref name="reason"/> null). Nothing changes unless every id is a session of the
    /// experiment. Returns the sessions as stored.
    /// </summary>
    public async Task<IReadOnlyList<Session>> SetExclusion(string experimentId, IReadOnlyCollection<string> sessionIds, string? reason, string by)
    {
        if (sessionIds.Count == 0) throw new SessionException("no session given");
        SessionExclusion? exclusion = null;
        if (reason is not null)
        {
            reason = reason.Trim();
            if (reason.Length == 0) throw new SessionException("an exclusion needs a reason (the report counts sessions by it)");
            if (reason.Length > MaxExclusionReason) throw new SessionException($"the reason is {reason.Length} characters long; at most {MaxExclusionReason} are kept");
            exclusion = new SessionExclusion(reason, by, Now);
        }
        var found = sessionIds.Distinct(StringComparer.Ordinal).Select(id => (Id: id, Session: _store.FindSession(id))).ToList();
        var unknown = found.Where(f => f.Session is null || f.Session.ExperimentId != experimentId).Select(f => f.Id).ToList();
        if (unknown.Count > 0) throw new SessionException($"not a session of '{experimentId}': {string.Join(", ", unknown)}; nothing was changed");
        var changed = new List<Session>();
        foreach (var (_, session) in found)
            changed.Add(await Change(session!, current => current with { Exclusion = exclusion ?? null }));
        return changed;
    }

    /// <summary>The session a withdrawal code (as typed) belongs to, if any.</summary>
    public Session? FindByWithdrawalCode(string? typed)
    {
        var code = Secrets.NormalizeWithdrawalCode(typed);
        return code.Length == 19 ? _store.FindSessionByWithdrawalCode(code) : null;
    }

    /// <summary>Applies a change to the latest state of the session and stores it (retention uses this, so the cache stays true).</summary>
    public Task<Session> Change(Session session, Func<Session, Session> change) =>
        Exclusive(session, current => Save(change(current)));

    public Task<Session> SetLanguage(Session session, string language) =>
        session.Language == language ? Task.FromResult(session) : Exclusive(session, current => Save(current with { Language = language }));

    /// <summary>
    /// Gives the condition slots of unfinished sessions to the next participants: sessions silent
    /// for longer than the experiment allows (<see cref="Assignment.AbandonAfterMinutes"/>) and
    /// sessions still on the consent step longer than <see cref="Assignment.ConsentWithinMinutes"/>
    /// after they started (a link opened and left, or opened by a script). Both are marked
    /// abandoned; a participant who comes back goes on (see <see cref="Reactivated"/>). Returns how
    /// many were freed. <paramref name="stop"/> is asked between sessions (a server that stops ends the check before its store closes).
    /// </summary>
    public async Task<int> ReleaseAbandoned(CancellationToken stop = default)
    {
        var freed = 0;
        var now = Now;
        // Every session under way is in the cache once a first check has put those the store
        // held from before the start there (a new or returning session is cached by its change):
        // later checks read the cache, not every session of every study once a minute. With a
        // shared store, other instances start sessions this one never sees: it reads them all.
        var everySession = _store.Shared || !_activeCached;
        foreach (var experimentId in ExperimentIds)
        {
            stop.ThrowIfCancellationRequested();
            var active = everySession
                ? _store.SessionsOf(experimentId).Where(s => s.Status == SessionStatus.Active)
                : _byToken.Values.Where(s => s.ExperimentId == experimentId && s.Status == SessionStatus.Active).ToList();
            foreach (var session in active)
            {
                stop.ThrowIfCancellationRequested();
                var experiment = ExperimentOf(session);
                if (!Overdue(session, experiment, now))
                {
                    // Cached the way a lookup caches it (the store read again under the token's stripe), so no older state gets in.
                    if (everySession && !_store.Shared) Find(session.Token);
                    continue;
                }
                var released = false;
                await Exclusive(session, async current =>
                {
                    // Checked again under the session's lock: the participant may have consented or sent something meanwhile.
                    if (current.Status != SessionStatus.Active || !Overdue(current, experiment, now)) return current;
                    var abandoned = current with { Status = SessionStatus.Abandoned, LastSeenAt = LastSeen(current) };
                    // Left on a task step: what was done there is derived now.
                    var saved = await Save(Derived(abandoned) ?? abandoned);
                    // Freed under the same lock that a returning participant's Touch takes, so they never cross.
                    if (current.TakesSlot) Release(experimentId, current.Slot);
                    released = true;
                    return saved;
                });
                if (released) freed++;
            }
        }
        if (!_store.Shared) _activeCached = true;
        return freed;
    }

    // Whether a check for abandoned sessions went through every stored session since start (see ReleaseAbandoned).
    private volatile bool _activeCached;

    /// <summary>The session's last sign of life: a request or event batch seen since start, else what is stored.</summary>
    public DateTime LastSeen(Session session) =>
        _lastSeen.TryGetValue(session.Id, out var memory) && memory > session.LastSeenAt ? memory : session.LastSeenAt;

    /// <summary>The last event received of the session since the server started (type and time); null when none came since.</summary>
    public LastEvent? LastEventOf(string sessionId) => _lastEvent.GetValueOrDefault(sessionId);

    /// <summary>Raised when a session shows a sign of life (a request or an event batch), without a change to store.</summary>
    public event Action<Session>? Seen;

    private bool Overdue(Session session, Experiment experiment, DateTime now) =>
        LastSeen(session) < now - TimeSpan.FromMinutes(experiment.Assignment.AbandonAfterMinutes)
        || (NeverConsented(session, experiment) && session.StartedAt < now - TimeSpan.FromMinutes(experiment.Assignment.ConsentWithinMinutes));

    /// <summary>Counts of the study's sessions (pilots are not part of it).</summary>
    public ExperimentCounts Counts(string experimentId)
    {
        var sessions = _store.SessionsOf(experimentId).Where(s => !s.Pilot).ToList();
        return new ExperimentCounts(
            Started: sessions.Count,
            Active: sessions.Count(s => s.Status == SessionStatus.Active),
            Completed: sessions.Count(s => s.Status == SessionStatus.Completed),
            Declined: sessions.Count(s => s.Status == SessionStatus.Declined),
            Abandoned: sessions.Count(s => s.Status == SessionStatus.Abandoned));
    }
}

/// <summary>Which sessions' outcomes are derived again: those never derived, those never derived or derived by an older rule, or all.</summary>
public enum RederiveScope { Missing, Stale, All }

public sealed record ExperimentCounts(int Started, int Active, int Completed, int Declined, int Abandoned);

/// <summary>The last event the server received of a session: its type and when (server clock).</summary>
public sealed record LastEvent(string Type, DateTime At);
