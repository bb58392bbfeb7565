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
    private readonly Dictionary<string, Experiment> _experiments;
    private readonly Dictionary<string, SlotTable> _slots;
    // Last sign of life per session, kept in memory so that every event batch need not write the session.
    private readonly ConcurrentDictionary<string, DateTime> _lastSeen = new();
    // Sessions by token: every change goes through this service, so the cache stays true and
    // an event batch needs no database read to find its session.
    private readonly ConcurrentDictionary<string, Session> _byToken = new(StringComparer.Ordinal);
    // Tokens of sessions withdrawn since start: a lookup that read the store just before the
    // erasure must not put the session back into the cache.
    private readonly ConcurrentDictionary<string, bool> _withdrawn = new(StringComparer.Ordinal);
    // The researcher's status per experiment as stored (absent: open).
    private readonly ConcurrentDictionary<string, ExperimentStatus> _status;

    private readonly OutcomeDeriver? _deriver;

    /// <param name="deriver">derives task outcomes when a participant leaves a task step and when what they read changes; without it none are stored.</param>
    public SessionService(IStore store, IEnumerable<Experiment> experiments, TimeProvider time, OutcomeDeriver? deriver = null)
    {
        _store = store;
        _time = time;
        _deriver = deriver;
        _experiments = experiments.ToDictionary(e => e.Id);
        _slots = _experiments.Keys.ToDictionary(id => id, id => new SlotTable(
            store.SessionsOf(id).Where(s => s.Status is SessionStatus.Active or SessionStatus.Completed).Select(s => s.Slot)));
        _status = new(store.ExperimentStates().Where(s => _experiments.ContainsKey(s.Id)).ToDictionary(s => s.Id, s => s.Status));
    }

    public IReadOnlyCollection<Experiment> Experiments => _experiments.Values;

    /// <summary>Raised after a session was started or changed and the change is stored (for live views).</summary>
    public event Action<Session>? Changed;

    /// <summary>Raised after a session was deleted (withdrawn): live views forget it.</summary>
    public event Action<Session>? Removed;

    private Session Stored(Session session)
    {
        if (!_withdrawn.ContainsKey(session.Token)) _byToken[session.Token] = session;
        Changed?.Invoke(session);
        return session;
    }

    public Experiment? Experiment(string id) => _experiments.GetValueOrDefault(id);

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
        return _slots[experimentId].TakenCount >= experiment.TargetSampleSize ? ExperimentStatus.Full : ExperimentStatus.Open;
    }

    /// <summary>The status a researcher set (open, paused, closed); open when none was set.</summary>
    public ExperimentStatus SetStatusOf(string experimentId) => _status.GetValueOrDefault(experimentId);

    /// <summary>Opens, pauses or closes an experiment for new participants; running sessions go on either way.</summary>
    public async Task SetStatus(string experimentId, ExperimentStatus status, string changedBy)
    {
        if (Experiment(experimentId) is null) throw new SessionException($"no experiment '{experimentId}'");
        if (status == ExperimentStatus.Full) throw new SessionException("'full' cannot be set: it follows from the target sample size");
        await _store.SaveExperimentState(new ExperimentState { Id = experimentId, Status = status, ChangedAt = Now, ChangedBy = changedBy });
        _status[experimentId] = status;
        StatusChanged?.Invoke(experimentId);
    }

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    public async Task<Session> Start(string experimentId, string language, IReadOnlyDictionary<string, string> recruitment, string? userAgent)
    {
        var experiment = Experiment(experimentId) ?? throw new SessionException($"no experiment '{experimentId}'");
        if (_status.GetValueOrDefault(experimentId) is var stored and not ExperimentStatus.Open)
            throw new ExperimentUnavailableException(experimentId, stored);
        if (!_slots[experimentId].TryTake(experiment.TargetSampleSize, out var slot))
            throw new ExperimentUnavailableException(experimentId, ExperimentStatus.Full);
        var (condition, steps) = Assigned(experiment, slot);
        var now = Now;
        var session = new Session
        {
            Id = Secrets.Pseudonym(),
            Token = Secrets.Token(),
            ExperimentId = experimentId,
            ConditionId = condition.Id,
            Slot = slot,
            Language = language,
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
        catch { _slots[experimentId].Release(slot); throw; }
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
        if (_byToken.TryGetValue(token, out var cached)) return cached;
        var stored = _store.FindSessionByToken(token);
        if (stored is null || _withdrawn.ContainsKey(token)) return null;
        var session = _byToken.GetOrAdd(token, stored);
        // Withdrawn while this lookup ran: it must not stay.
        if (_withdrawn.ContainsKey(token)) { _byToken.TryRemove(token, out _); return null; }
        return session;
    }

    // One change at a time per session (two tabs may click at once); each change starts from the latest state.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new();

    private async Task<Session> Exclusive(Session session, Func<Session, Task<Session>> change)
    {
        var gate = _locks.GetOrAdd(session.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        try { return await change(Find(session.Token) ?? session); }
        finally { gate.Release(); }
    }

    private async Task<Session> Save(Session session)
    {
        await _store.SaveSession(session);
        return Stored(session);
    }

    /// <summary>Records a sign of life; a session that had been given up as abandoned is active again.</summary>
    public async Task<Session> Touch(Session session)
    {
        _lastSeen[session.Id] = Now;
        if (session.Status != SessionStatus.Abandoned) return session;
        return await Exclusive(session, current => current.Status == SessionStatus.Abandoned
            ? SaveHoldingSlot(Reactivated(current))
            : Task.FromResult(current));
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
    private Session Reactivated(Session session)
    {
        var experiment = Experiment(session.ExperimentId)!;
        var slots = _slots[session.ExperimentId];
        var now = Now;
        if (NeverConsented(session, experiment))
        {
            var slot = slots.Take();
            var (condition, steps) = Assigned(experiment, slot);
            if (steps.Count > 0 && steps[0] == session.CurrentStep)
                return session with { Status = SessionStatus.Active, Slot = slot, ConditionId = condition.Id, Steps = steps, StepIndex = 0, LastSeenAt = now };
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
            _slots[session.ExperimentId].Release(session.Slot);
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

        var experiment = Experiment(session.ExperimentId)!;
        var stored = new Dictionary<string, string>(session.Answers);
        if (experiment.Step(stepId) is QuestionnaireStep questionnaire)
        {
            var (checkedAnswers, problems) = AnswerRules.Check(questionnaire, answers ?? new Dictionary<string, string?>());
            if (problems.Count > 0) throw new SessionException("some answers need attention", problems);
            foreach (var (question, value) in checkedAnswers) stored[$"{stepId}.{question}"] = value;
        }

        // A participant given up as abandoned (e.g. who did not consent in time) goes on, holding a slot again.
        if (reactivated) session = Reactivated(session);
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
        advanced = Derived(advanced) ?? advanced;
        return reactivated ? await SaveHoldingSlot(advanced) : await Save(advanced);
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

    /// <summary>Stores a coder's code and derives the coded session's outcomes again (the code decides them).</summary>
    public async Task SaveCode(CoderCode code)
    {
        await _store.SaveCode(code);
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
        foreach (var experiment in _experiments.Values.Where(e => experimentId is null || e.Id == experimentId))
            foreach (var session in _store.SessionsOf(experiment.Id))
            {
                if (scope != RederiveScope.All && !Stale(experiment, session, olderRules: scope == RederiveScope.Stale)) continue;
                var before = session.Outcomes;
                var after = await UpdateOutcomes(_byToken.GetValueOrDefault(session.Token) ?? session);
                if (!ReferenceEquals(before, after.Outcomes)) changed++;
            }
        return changed;
    }

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

    /// <summary>The session with its outcomes derived again; null when they are as stored.</summary>
    private Session? Derived(Session session)
    {
        if (_deriver is null || Experiment(session.ExperimentId) is not { } experiment) return null;
        var outcomes = _deriver.Derive(experiment, session, _store.Events(session.Id), _store.CodesOf(session.Id), Now);
        return outcomes is null ? null : session with { Outcomes = outcomes };
    }

    /// <summary>The participant declines consent: the session shrinks to its refusal and its slot is freed.</summary>
    public Task<Session> Decline(Session session) => Exclusive(session, DeclineNow);

    private async Task<Session> DeclineNow(Session session)
    {
        var experiment = Experiment(session.ExperimentId)!;
        if (session.Status == SessionStatus.Declined) return session;
        if (!session.IsOpen || experiment.Step(session.CurrentStep) is not ConsentStep)
            throw new SessionException("consent can be declined only on the consent step");
        var now = Now;
        var refusal = new Session
        {
            Id = session.Id,
            Token = session.Token,
            ExperimentId = session.ExperimentId,
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
        if (session.Status == SessionStatus.Active) _slots[session.ExperimentId].Release(session.Slot);
        _lastSeen.TryRemove(session.Id, out _);
        return refusal;
    }

    /// <summary>
    /// The participant withdraws: the session, its events and its codes are deleted, its slot is
    /// freed if it was still running, and the deletion is logged without anything that leads back
    /// to the person. Returns what was deleted.
    /// </summary>
    public async Task<DeletedRecords> Withdraw(Session session)
    {
        var gate = _locks.GetOrAdd(session.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        try
        {
            var current = Find(session.Token) ?? session;
            _withdrawn[current.Token] = true;
            _byToken.TryRemove(current.Token, out _);
            var deleted = await _store.DeleteSession(current.Id);
            _lastSeen.TryRemove(current.Id, out _);
            if (current.Status == SessionStatus.Active) _slots[current.ExperimentId].Release(current.Slot);
            await _store.LogDeletion(new DeletionRecord
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
            _locks.TryRemove(session.Id, out _);
        }
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
    /// many were freed.
    /// </summary>
    public async Task<int> ReleaseAbandoned()
    {
        var freed = 0;
        var now = Now;
        foreach (var experiment in _experiments.Values)
        {
            foreach (var session in _store.SessionsOf(experiment.Id).Where(s => s.Status == SessionStatus.Active))
            {
                if (!Overdue(session, experiment, now)) continue;
                var released = false;
                await Exclusive(session, async current =>
                {
                    // Checked again under the session's lock: the participant may have consented or sent something meanwhile.
                    if (current.Status != SessionStatus.Active || !Overdue(current, experiment, now)) return current;
                    var abandoned = current with { Status = SessionStatus.Abandoned, LastSeenAt = LastSeen(current) };
                    // Left on a task step: what was done there is derived now.
                    var saved = await Save(Derived(abandoned) ?? abandoned);
                    // Freed under the same lock that a returning participant's Touch takes, so they never cross.
                    _slots[experiment.Id].Release(current.Slot);
                    released = true;
                    return saved;
                });
                if (released) freed++;
            }
        }
        return freed;
    }

    private DateTime LastSeen(Session session) =>
        _lastSeen.TryGetValue(session.Id, out var memory) && memory > session.LastSeenAt ? memory : session.LastSeenAt;

    private bool Overdue(Session session, Experiment experiment, DateTime now) =>
        LastSeen(session) < now - TimeSpan.FromMinutes(experiment.Assignment.AbandonAfterMinutes)
        || (NeverConsented(session, experiment) && session.StartedAt < now - TimeSpan.FromMinutes(experiment.Assignment.ConsentWithinMinutes));

    public ExperimentCounts Counts(string experimentId)
    {
        var sessions = _store.SessionsOf(experimentId);
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
