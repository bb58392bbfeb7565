using SelfRef.Core.Coding;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Tasks;

namespace SelfRef.Core.Privacy;

/// <summary>
/// Deletes the identifying data of sessions whose retention (the experiment's privacy setting)
/// has ended. Each session's task outcomes are first derived once more (they need the name and
/// home town) and stored without their identifying columns; then the session's identifier key is
/// destroyed (its identifying event fields, answers and recruitment values can no longer be
/// read); last the session is stored without them. Each stage is stored before the next begins
/// and an outcome stored without identifiers is never derived again, so a pass that stops half
/// way is finished by the next.
/// </summary>
public sealed class RetentionPass(SessionService sessions, IStore store, TimeProvider time)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    // The first pass reads every session: one that a crash or an error left between destroying its
    // key and storing its record without identifiers is finished there. Later passes read only the
    // sessions whose identifier key still exists, so a pass costs what is left to delete, not the
    // whole study (a study of 50,000 sessions was read and decrypted in full at every pass).
    private bool _everySession = true;
    // One pass at a time: a narrowed pass must never follow a full one that failed.
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>Runs once over every experiment; returns how many sessions lost their identifiers.</summary>
    /// <param name="stop">asked between sessions: a server that stops ends the pass after the session in hand, before its store is closed under it.</param>
    /// <exception cref="AggregateException">some sessions failed; every other session was handled.</exception>
    /// <exception cref="OperationCanceledException">stopped between two sessions; each session is either done or untouched.</exception>
    public async Task<int> Run(CancellationToken stop = default)
    {
        await _one.WaitAsync(stop);
        try
        {
            var count = 0;
            var everySession = _everySession;
            List<Exception> failed = [];
            var finished = false;
            try
            {
                // Every experiment with sessions, served now or not; each session by the version it ran on.
                foreach (var experimentId in sessions.ExperimentIds)
                {
                    // Before the next experiment's sessions are read: a stopping server's store may be closed next.
                    stop.ThrowIfCancellationRequested();
                    IReadOnlyList<CoderCode>? codes = null;
                    // The store may read each session as the walk reaches it (see IStore.SessionsHoldingIdentifiers).
                    IEnumerator<Session> walk;
                    try { walk = (everySession ? store.SessionsOf(experimentId) : store.SessionsHoldingIdentifiers(experimentId)).GetEnumerator(); }
                    catch (Exception e) { failed.Add(new InvalidOperationException($"retention of experiment {experimentId}: its sessions could not be read: {e.Message}", e)); continue; }
                    using (walk)
                        while (true)
                        {
                            // Before the next session is read: a stopping server's store may be closed next.
                            stop.ThrowIfCancellationRequested();
                            // A record that cannot be read (damaged) ends this experiment's walk, not the pass:
                            // the other experiments are handled, and the next pass reads every session.
                            try { if (!walk.MoveNext()) break; }
                            catch (Exception e) { failed.Add(new InvalidOperationException($"retention of experiment {experimentId}: a session could not be read: {e.Message}", e)); break; }
                            var session = walk.Current;
                            // One session that cannot be handled (an unknown version, outcomes that cannot be derived) stops neither the others nor later passes.
                            try
                            {
                                var experiment = sessions.ExperimentOf(session);
                                var keys = Identifiers.AnswerKeys(experiment);
                                if (!HoldsIdentifiers(session, keys))
                                {
                                    // A key that guards nothing (a refusal, a session migrated after its identifiers were
                                    // deleted): destroyed, so the session leaves the narrowed passes' reading.
                                    if (session.Status == SessionStatus.Declined || session.IdentifiersDeletedAt is not null) await store.DeleteIdentifiers(session.Id);
                                    continue;
                                }
                                if (!Ended(experiment, session, codes ??= store.Codes(experimentId), Now)) continue;
                                await DeleteIdentifiers(experiment, session, keys);
                                count++;
                            }
                            catch (Exception e) { failed.Add(new InvalidOperationException($"retention of session {session.Id}: {e.Message}", e)); }
                        }
                }
                finished = true;
            }
            finally
            {
                // Only a pass that handled every session lets the next one narrow its reading; a pass
                // stopped or broken off keeps the reading it had, unless a session failed before.
                _everySession = finished ? failed.Count > 0 : _everySession || failed.Count > 0;
            }
            if (failed.Count > 0) throw new AggregateException($"{failed.Count} session(s) could not have their identifiers deleted ({count} did)", failed);
            return count;
        }
        finally { _one.Release(); }
    }

    private static bool HoldsIdentifiers(Session session, IReadOnlySet<string> keys) =>
        session.Status != SessionStatus.Declined &&
        (session.IdentifiersDeletedAt is null || session.Recruitment.Count > 0 || session.Answers.Keys.Any(keys.Contains));

    /// <summary>Whether the experiment's retention of this session's identifiers has ended at <paramref name="now"/>.</summary>
    public static bool Ended(Experiment experiment, Session session, IReadOnlyList<CoderCode> codes, DateTime now)
    {
        var privacy = experiment.Privacy;
        var days = TimeSpan.FromDays(privacy.Days);
        return session.Status switch
        {
            // Never finished: kept for the days from the last sign of life, in case the participant comes back.
            SessionStatus.Abandoned => now >= session.LastSeenAt + days,
            SessionStatus.Completed => privacy.Effective(experiment) switch
            {
                IdentifierRetention.AfterOutcome => true,
                IdentifierRetention.AfterDays => now >= (session.EndedAt ?? session.LastSeenAt) + days,
                _ => CodingFinished(experiment, session, codes, privacy.Coders),
            },
            _ => false,
        };
    }

    /// <summary>Every step of the session that human coders decide has a final code: enough coders agree, or an owner adjudicated (a step where nothing was done needs no code).</summary>
    public static bool CodingFinished(Experiment experiment, Session session, IReadOnlyList<CoderCode> codes, int coders)
    {
        foreach (var step in session.Steps.Select(id => experiment.Steps.FirstOrDefault(s => s.Id == id)).OfType<Step>()
                     .Where(step => StepTypes.TaskOf(step)?.NeedsCoding(step) == true))
        {
            var mine = codes.Where(c => c.SessionId == session.Id && c.StepId == step.Id).ToList();
            if (CodeConsensus.Of(mine, coders).Final) continue;
            if (session.Outcomes.GetValueOrDefault(step.Id) is not { MissingReason: "no action" }) return false;
        }
        return true;
    }

    private async Task DeleteIdentifiers(Experiment experiment, Session session, IReadOnlySet<string> keys)
    {
        session = await sessions.UpdateOutcomes(session);
        await sessions.Change(session, current => current with { Outcomes = WithoutIdentifiers(experiment, current.Outcomes) });
        // Destroying the identifier key erases every identifying answer, recruitment id and event
        // field of the session wherever a copy of their bytes remains; the record is then stored without them.
        await store.DeleteIdentifiers(session.Id);
        var now = Now;
        await sessions.Change(session, current => current with
        {
            Answers = current.Answers.Where(a => !keys.Contains(a.Key)).ToDictionary(a => a.Key, a => a.Value),
            Recruitment = [],
            IdentifiersDeletedAt = current.IdentifiersDeletedAt ?? now,
        });
    }

    /// <summary>The outcomes as they may be kept once the identifiers are gone: what a de-identified export writes (<see cref="Identifiers.Outcome"/>).</summary>
    public static Dictionary<string, StoredOutcome> WithoutIdentifiers(Experiment experiment, IReadOnlyDictionary<string, StoredOutcome> outcomes) =>
        outcomes.ToDictionary(o => o.Key, o =>
        {
            if (o.Value.Deidentified) return o.Value;
            var step = experiment.Steps.FirstOrDefault(s => s.Id == o.Key);
            var type = step is null ? StepTypes.Task(o.Value.Task) : StepTypes.TaskOf(step);
            var kept = Identifiers.Outcome(type, step, o.Value.ToOutcome());
            return o.Value with
            {
                MatchDetail = kept.MatchDetail,
                Columns = kept.Columns.ToDictionary(c => c.Key, c => c.Value),
                Deidentified = true,
            };
        });
}
