using System.Text.Json;
using SelfRef.Core.Experiments;
using SelfRef.Core.Sessions;
using SelfRef.Core.Tasks;
using SelfRef.Tests.Support;
using SelfRef.Web.Researcher;

namespace SelfRef.Web.Tests;

/// <summary>
/// The dashboard's progress snapshot against the plain reading of what it shows (below: copies,
/// filters and sorts, as it was written first) on random studies: pilots, declines, drop-outs,
/// excluded sessions, steps and conditions only earlier versions had, ties in time.
/// </summary>
public class ProgressSnapshotReferenceTests
{
    [Theory]
    [InlineData("gallup-replication.json")]
    [InlineData("gallup-map.json")]
    [InlineData("gallup-pen-keyboard.json")]
    public void The_one_pass_snapshot_is_the_plain_readings_snapshot(string file)
    {
        var experiment = ExperimentLoader.LoadFile(Path.Combine(SelfRefFactory.RepositoryRoot, "experiments", file)).Experiment!;
        var random = new Random(7);
        var t0 = new DateTime(2026, 11, 29, 10, 0, 0, DateTimeKind.Utc);
        string[] conditions = [.. experiment.EffectiveConditions.Select(c => c.Id), "", "an-earlier-condition"];
        for (var study = 0; study < 200; study++)
        {
            var sessions = Enumerable.Range(0, random.Next(0, 300)).Select(i =>
            {
                var steps = experiment.Steps.Select(s => s.Id).Concat(random.Next(4) == 0 ? ["an-earlier-step"] : Array.Empty<string>()).OrderBy(_ => random.Next(3)).ToList();
                var seen = t0.AddMinutes(random.Next(0, 20));
                return new SessionSummary($"P-{random.Next(0, 1000):D4}-{i}", conditions[random.Next(conditions.Length)], steps, random.Next(0, steps.Count + 1),
                    (SessionStatus)random.Next(0, 4), seen, random.Next(3) == 0 ? null : seen.AddSeconds(random.Next(-30, 30)), random.Next(5) == 0, random.Next(7) == 0);
            }).ToList();
            var now = t0.AddMinutes(10);
            Assert.Equal(
                JsonSerializer.Serialize(Reference(experiment, ExperimentStatus.Open, ExperimentStatus.Full, sessions, now, TimeSpan.FromMinutes(2), s => "type of " + s)),
                JsonSerializer.Serialize(ProgressSnapshot.Of(experiment, ExperimentStatus.Open, ExperimentStatus.Full, sessions, now, TimeSpan.FromMinutes(2), s => "type of " + s)));
        }
    }

    private static ProgressSnapshot Reference(Experiment experiment, ExperimentStatus status, ExperimentStatus setStatus, IReadOnlyCollection<SessionSummary> sessions,
        DateTime? now = null, TimeSpan? activeWithin = null, Func<string, string?>? stepType = null)
    {
        var at = now ?? DateTime.UtcNow;
        var within = activeWithin ?? ProgressSnapshot.DefaultActiveWithin;
        var study = sessions.Where(s => !s.Pilot).ToList();
        // Declined sessions keep only their refusal, without a condition: they are counted, not placed on steps.
        var placed = study.Where(s => s.Status != SessionStatus.Declined).ToList();
        // The current version's conditions and steps, then those only sessions of earlier versions walked.
        var conditions = experiment.EffectiveConditions.Select(c => c.Id)
            .Concat(placed.Select(s => s.ConditionId).Where(c => c.Length > 0)).Distinct(StringComparer.Ordinal).ToList();
        var shown = experiment.EffectiveConditions.ToDictionary(c => c.Id, c => ExperimentFlow.StepsFor(experiment, c).Select(s => s.Id).ToHashSet(StringComparer.Ordinal));
        var walked = new HashSet<(string Step, string Condition)>();
        var nowOn = new Dictionary<(string Step, string Condition), int>();
        var reached = new Dictionary<(string Step, string Condition), int>();
        foreach (var s in placed)
        {
            foreach (var step in s.Steps) walked.Add((step, s.ConditionId));
            for (var i = 0; i <= s.StepIndex && i < s.Steps.Count; i++)
                reached[(s.Steps[i], s.ConditionId)] = reached.GetValueOrDefault((s.Steps[i], s.ConditionId)) + 1;
            if (s.Status == SessionStatus.Active && s.StepIndex < s.Steps.Count)
                nowOn[(s.Steps[s.StepIndex], s.ConditionId)] = nowOn.GetValueOrDefault((s.Steps[s.StepIndex], s.ConditionId)) + 1;
        }
        var types = experiment.Steps.ToDictionary(s => s.Id, s => StepTypes.Of(s).Name, StringComparer.Ordinal);
        var stepIds = experiment.Steps.Select(s => s.Id).Concat(placed.SelectMany(s => s.Steps)).Distinct(StringComparer.Ordinal);
        var steps = stepIds.Select(step => new StepProgress(step, types.GetValueOrDefault(step) ?? stepType?.Invoke(step) ?? "",
            conditions.Select(c => shown.GetValueOrDefault(c)?.Contains(step) == true || walked.Contains((step, c))
                ? new StepCell(nowOn.GetValueOrDefault((step, c)), reached.GetValueOrDefault((step, c)))
                : null).ToList())).ToList();
        var recent = sessions
            .Where(s => s.Status is SessionStatus.Completed or SessionStatus.Declined or SessionStatus.Abandoned)
            .Select(s => new RecentSession(s.Id, s.Status.ToString().ToLowerInvariant(), s.Status == SessionStatus.Abandoned ? s.LastSeenAt : s.EndedAt ?? s.LastSeenAt, s.ConditionId, s.Pilot))
            .OrderByDescending(r => r.At).ThenBy(r => r.Pseudonym, StringComparer.Ordinal)
            .Take(ProgressSnapshot.RecentCount)
            .ToList();
        var counts = new ExperimentCounts(
            Started: study.Count,
            Active: study.Count(s => s.Status == SessionStatus.Active),
            Completed: study.Count(s => s.Status == SessionStatus.Completed),
            Declined: study.Count(s => s.Status == SessionStatus.Declined),
            Abandoned: study.Count(s => s.Status == SessionStatus.Abandoned));
        bool SeenNow(SessionSummary s) => s.LastSeenAt >= at - within;
        var monitor = sessions.Where(s => s.Status == SessionStatus.Active)
            .OrderByDescending(s => s.LastSeenAt).ThenBy(s => s.Id, StringComparer.Ordinal)
            .Take(ProgressSnapshot.MonitorCount)
            .Select(s => new ActiveSession(s.Id, s.ConditionId, s.StepIndex < s.Steps.Count ? s.Steps[s.StepIndex] : "", s.OnStepSince, s.LastSeenAt,
                s.LastEvent?.Type, s.LastEvent?.At, SeenNow(s), s.Pilot))
            .ToList();
        return new ProgressSnapshot(experiment.Id, ProgressSnapshot.Name(status), ProgressSnapshot.Name(setStatus), experiment.TargetSampleSize, counts, conditions, steps, recent)
        {
            At = at,
            ActiveNow = study.Count(s => s.Status == SessionStatus.Active && SeenNow(s)),
            ActiveWithinSeconds = (int)within.TotalSeconds,
            Pilots = sessions.Count(s => s.Pilot),
            Excluded = study.Count(s => s.Excluded),
            Monitor = monitor,
        };
    }

}
