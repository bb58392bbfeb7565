using SelfRef.Core.Coding;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Tasks;
using SelfRef.Core.Tasks.Pen;

namespace SelfRef.Core.Privacy;

/// <summary>
/// Deletes the identifying data of sessions whose retention (the experiment's privacy setting)
/// has ended. Each session's task outcomes are first computed and frozen in the session without
/// names, places or coordinates; then the session's identifier key is destroyed (its identifying
/// event fields, answers and recruitment values can no longer be read); last the session is
/// stored without them. Each stage is stored before the next begins and
/// a frozen outcome is never recomputed, so a pass that stops half way is finished by the next.
/// </summary>
public sealed class RetentionPass(SessionService sessions, IStore store, TimeProvider time, IServiceProvider? services = null)
{
    private DateTime Now => time.GetUtcNow().UtcDateTime;

    /// <summary>Runs once over every experiment; returns how many sessions lost their identifiers.</summary>
    public async Task<int> Run()
    {
        var count = 0;
        foreach (var experiment in sessions.Experiments)
        {
            var codes = store.Codes(experiment.Id);
            var keys = Identifiers.AnswerKeys(experiment);
            foreach (var session in store.SessionsOf(experiment.Id))
            {
                if (!HoldsIdentifiers(session, keys)) continue;
                var batches = new Lazy<IReadOnlyList<StoredBatch>>(() => store.Events(session.Id));
                if (!Ended(experiment, session, codes, () => batches.Value, Now)) continue;
                await DeleteIdentifiers(experiment, session, batches.Value, codes, keys);
                count++;
            }
        }
        return count;
    }

    private static bool HoldsIdentifiers(Session session, IReadOnlySet<string> keys) =>
        session.Status != SessionStatus.Declined &&
        (session.IdentifiersDeletedAt is null || session.Recruitment.Count > 0 || session.Answers.Keys.Any(keys.Contains));

    /// <summary>Whether the experiment's retention of this session's identifiers has ended at <paramref name="now"/>.</summary>
    public static bool Ended(Experiment experiment, Session session, IReadOnlyList<CoderCode> codes, Func<IReadOnlyList<StoredBatch>> events, DateTime now)
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
                _ => CodingFinished(experiment, session, codes, events, privacy.Coders),
            },
            _ => false,
        };
    }

    /// <summary>Every handwritten first word of the session is coded, by enough coders who agree (a blank sheet needs no code).</summary>
    public static bool CodingFinished(Experiment experiment, Session session, IReadOnlyList<CoderCode> codes, Func<IReadOnlyList<StoredBatch>> events, int coders)
    {
        foreach (var step in session.Steps.Select(experiment.Step).OfType<PenStep>().Where(p => p.Input == PenInput.Pen))
        {
            var mine = codes.Where(c => c.SessionId == session.Id && c.StepId == step.Id).ToList();
            if (mine.Count >= coders && CodeConsensus.Of(mine).Value is not null) continue;
            if (PenOutcome.Extract(step, StepEvents.Of(events(), step.Id)).Acted) return false;
        }
        return true;
    }

    private async Task DeleteIdentifiers(Experiment experiment, Session session, IReadOnlyList<StoredBatch> batches, IReadOnlyList<CoderCode> codes, IReadOnlySet<string> keys)
    {
        var frozen = Freeze(experiment, session, batches, codes, services);
        if (frozen.Count > session.FrozenOutcomes.Count)
            session = await sessions.Change(session, current => current with { FrozenOutcomes = frozen });
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

    /// <summary>The session's frozen outcomes plus those of the task steps it reached and that are not frozen yet.</summary>
    public static Dictionary<string, FrozenOutcome> Freeze(Experiment experiment, Session session, IReadOnlyList<StoredBatch> batches, IReadOnlyList<CoderCode> codes, IServiceProvider? services)
    {
        var frozen = new Dictionary<string, FrozenOutcome>(session.FrozenOutcomes);
        for (var index = 0; index <= Math.Min(session.StepIndex, session.Steps.Count - 1); index++)
        {
            var step = experiment.Step(session.Steps[index]);
            if (frozen.ContainsKey(step.Id) || StepTypes.Of(step) is not { IsTask: true, Outcome: { } outcomeOf }) continue;
            var outcome = outcomeOf(new TaskEvidence(experiment, session, step, StepEvents.Of(batches, step.Id), codes, services));
            frozen[step.Id] = FrozenOutcome.Of(step is IIdentifyingTask task
                ? task.WithoutIdentifiers(outcome)
                : outcome with { TargetLat = null, TargetLon = null, HomeLat = null, HomeLon = null });
        }
        return frozen;
    }
}
