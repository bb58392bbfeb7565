namespace SelfRef.Simulation.Participants;

/// <summary>A log-normal latency: half of the draws lie below <see cref="MedianMs"/>; <see cref="Sigma"/> is the spread of its logarithm.</summary>
public sealed record LogNormal(double MedianMs, double Sigma)
{
    public double Draw(Random random)
    {
        // Box–Muller: one standard normal from two uniforms.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return Math.Round(MedianMs * Math.Exp(Sigma * z), 2);
    }
}

/// <summary>
/// How simulated participants behave: the true probabilities the analysis should recover, and
/// everything around them (latencies, who declines or leaves, devices, languages, coders).
/// </summary>
public sealed record Behaviour
{
    /// <summary>True probability that the first word written (pen task) is the participant's own name.</summary>
    public double SelfName { get; init; } = 0.9;
    /// <summary>True probability that the first place singled out on the map is the home town.</summary>
    public double SelfHome { get; init; } = 0.85;
    /// <summary>Time from the sheet's onset to the first stroke or key.</summary>
    public LogNormal PenLatency { get; init; } = new(2500, 0.5);
    /// <summary>Time from the map's onset to the first pan, zoom or search keystroke.</summary>
    public LogNormal MapLatency { get; init; } = new(1800, 0.6);
    /// <summary>Probability of declining consent.</summary>
    public double Decline { get; init; } = 0.02;
    /// <summary>Probability of leaving during any one step after consent (the debrief excepted): a constant hazard per step.</summary>
    public double DropOut { get; init; } = 0.02;
    /// <summary>
    /// Handwriting is coded by two simulated coders: with this probability both give the true
    /// code; otherwise one of them (either, at random) gives another, and the answer stays
    /// undecided ("coders disagree"), as with human coders who have not yet looked again.
    /// </summary>
    public double CoderAgreement { get; init; } = 0.95;
    /// <summary>Share of participants from German-speaking locales (de, de_AT, de_CH); the rest are English-speaking (en_US, en_GB, en_IE, en_AU).</summary>
    public double German { get; init; } = 0.5;
    /// <summary>Map task: share who single out a place through the search box rather than by zooming in on it.</summary>
    public double Search { get; init; } = 0.35;
    /// <summary>Shares of desktop (mouse), tablet (pen or finger) and phone (finger) participants; normalised.</summary>
    public double Desktop { get; init; } = 0.6;
    public double Tablet { get; init; } = 0.15;
    public double Phone { get; init; } = 0.25;

    /// <exception cref="ArgumentException">a probability is outside [0, 1] or a latency is not positive; the message names it.</exception>
    public void Validate()
    {
        foreach (var (name, p) in new[]
        {
            ("self-name probability", SelfName), ("self-home probability", SelfHome), ("decline probability", Decline),
            ("drop-out probability", DropOut), ("coder agreement", CoderAgreement), ("German share", German), ("search share", Search),
        })
            if (!(p >= 0 && p <= 1)) throw new ArgumentException($"{name} must lie between 0 and 1, was {p}");
        if (DropOut >= 1) throw new ArgumentException("drop-out probability must be below 1, or nobody would reach a task");
        foreach (var (name, latency) in new[] { ("pen latency", PenLatency), ("map latency", MapLatency) })
            if (!(latency.MedianMs > 0 && latency.MedianMs < 600_000 && latency.Sigma >= 0 && latency.Sigma <= 3))
                throw new ArgumentException($"{name} needs a median between 0 and 600,000 ms and a spread between 0 and 3");
        if (!(Desktop >= 0 && Tablet >= 0 && Phone >= 0 && Desktop + Tablet + Phone > 0))
            throw new ArgumentException("device shares must not be negative and must not all be 0");
    }
}
