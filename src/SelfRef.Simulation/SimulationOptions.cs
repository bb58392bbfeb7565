using SelfRef.Simulation.Load;
using SelfRef.Simulation.Participants;
using SelfRef.Simulation.Protocol;

namespace SelfRef.Simulation;

/// <summary>One simulated study against a SelfRef server on this machine.</summary>
public sealed record SimulationOptions
{
    public const int MaxParticipants = 100_000;

    /// <summary>The server's base address, e.g. http://127.0.0.1:5080 (loopback only: simulated sessions are indistinguishable from real ones).</summary>
    public required Uri BaseUrl { get; init; }
    public required string ExperimentId { get; init; }
    public int Participants { get; init; } = 100;
    /// <summary>Participants under way at the same time.</summary>
    public int Concurrency { get; init; } = 8;
    /// <summary>The same seed gives the same participants and the same events.</summary>
    public int Seed { get; init; } = 1;
    public Behaviour Behaviour { get; init; } = new();
    public SendPolicy Send { get; init; } = new();
    /// <summary>The whole run stops after this long.</summary>
    public TimeSpan HardLimit { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>Called after each participant finishes (from several threads).</summary>
    public Action<SimulationProgress>? Progress { get; init; }

    /// <exception cref="ArgumentException">an option is out of bounds; the message names it.</exception>
    public void Validate()
    {
        if (BaseUrl.Scheme is not ("http" or "https")) throw new ArgumentException($"the server address must be http or https, was {BaseUrl}");
        if (!LoadOptions.IsLoopback(BaseUrl)) throw new ArgumentException($"the simulator talks to servers on this machine only (simulated sessions cannot be told from real ones), not {BaseUrl.Host}");
        if (string.IsNullOrWhiteSpace(ExperimentId)) throw new ArgumentException("the experiment id is required");
        if (Participants is < 1 or > MaxParticipants) throw new ArgumentException($"participants must be between 1 and {MaxParticipants:N0}, was {Participants}");
        if (Concurrency is < 1 or > 1000) throw new ArgumentException($"concurrency must be between 1 and 1000, was {Concurrency}");
        Behaviour.Validate();
    }
}

public sealed record SimulationProgress(int Finished, int Total, int Completed, int Failed);
