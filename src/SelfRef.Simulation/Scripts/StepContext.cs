using System.Text.Json;
using SelfRef.Core.Tasks;
using SelfRef.Simulation.Participants;

namespace SelfRef.Simulation.Scripts;

/// <summary>What a step's script may use: the participant, their generator (behaviour, places, truths), a random source of its own for this step, the simulated wall clock.</summary>
public sealed record StepContext(SimulatedParticipant Participant, ParticipantGenerator Generator, Random Random, long WallClockMs)
{
    public Behaviour Behaviour => Generator.Behaviour;

    public double Uniform(double low, double high) => low + (high - low) * Random.NextDouble();

    public bool Chance(double p) => Random.NextDouble() < p;

    /// <summary>The participant's truth in the task type.</summary>
    public TaskTruth Truth(TaskType task) => Generator.Truth(Participant, task);

    /// <summary>What the task type's script gets for this step: the person, their truth in the task, their device, this step's random source.</summary>
    public TaskSimulation For(TaskType task, JsonElement? page = null)
    {
        var truth = Truth(task);
        return new TaskSimulation
        {
            Person = Participant.Person,
            SelfReferentialFirst = truth.SelfReferentialFirst,
            LatencyMs = truth.LatencyMs,
            Device = Participant.SimulatedDevice,
            Random = Random,
            Places = Generator.Places,
            Habits = Behaviour.Habits(task),
            Page = page,
        };
    }
}
