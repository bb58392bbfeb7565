using SelfRef.Simulation.Participants;

namespace SelfRef.Simulation.Scripts;

/// <summary>What a step's script may use: the participant, a random source of its own for this step, the simulated wall clock.</summary>
public sealed record StepContext(SimulatedParticipant Participant, Behaviour Behaviour, Random Random, Places Places, long WallClockMs)
{
    public double Uniform(double low, double high) => low + (high - low) * Random.NextDouble();

    public bool Chance(double p) => Random.NextDouble() < p;

    public static double Round5(double value) => Math.Round(value, 5);
}
