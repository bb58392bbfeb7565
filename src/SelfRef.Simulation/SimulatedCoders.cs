using SelfRef.Core.Coding;
using SelfRef.Core.Sessions;
using SelfRef.Simulation.Participants;

namespace SelfRef.Simulation;

/// <summary>
/// Two simulated coders of answers that need coding (handwritten first words: TaskType.NeedsCoding).
/// They know the participant's truth (the simulator acted it out): with probability <see cref="Behaviour.CoderAgreement"/> both give the
/// true code; otherwise one of them, either at random, codes it as something else or as
/// unreadable, so the two disagree and the answer stays undecided, as the analysis treats human
/// coders who disagree. Seeded by participant, like everything else.
/// </summary>
public static class SimulatedCoders
{
    public static readonly string[] Names = ["sim-coder-1", "sim-coder-2"];

    public static IEnumerable<SimulatedCode> Code(SimulatedParticipant participant, string token, string stepId, TaskTruth taskTruth, Behaviour behaviour, int seed)
    {
        var random = Seeds.Random(seed, participant.Index, "coders/" + stepId);
        var truth = taskTruth.SelfReferentialFirst ? CodeValue.OwnName : CodeValue.Other;
        var codes = new[] { truth, truth };
        if (random.NextDouble() >= behaviour.CoderAgreement)
            codes[random.Next(2)] = random.NextDouble() < 0.5 ? CodeValue.Unreadable : truth == CodeValue.OwnName ? CodeValue.Other : CodeValue.OwnName;
        return codes.Select((value, i) => new SimulatedCode(token, stepId, Names[i], value));
    }

    /// <summary>
    /// Stores the codes as the coding view would (one per coder, session and step), for a store
    /// this process owns: the test host's, or the database file once the server has stopped.
    /// </summary>
    /// <returns>how many codes were stored; codes of sessions the store does not know are skipped.</returns>
    public static async Task<int> Save(SessionService sessions, string experimentId, IEnumerable<SimulatedCode> codes, DateTime at)
    {
        var saved = 0;
        foreach (var code in codes)
        {
            if (sessions.Find(code.Token) is not { } session) continue;
            await sessions.SaveCode(new CoderCode
            {
                ExperimentId = experimentId, SessionId = session.Id, StepId = code.StepId, Coder = code.Coder, Value = code.Value, At = at,
            });
            saved++;
        }
        return saved;
    }
}
