using SelfRef.Core.Experiments;
using SelfRef.Core.Tasks;

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
/// How simulated participants behave in the steps of one task type; what is left out is the
/// default for every task type (<see cref="Behaviour"/>).
/// </summary>
public sealed record TaskBehaviour
{
    /// <summary>True probability that a participant's first action in this task is self-referential (the task's derivation decides what that is).</summary>
    public double? SelfReference { get; init; }

    /// <summary>Time from the step's onset to the first action.</summary>
    public LogNormal? Latency { get; init; }

    /// <summary>The task's habits its script reads by name (e.g. the map's "search" share; see the task's script).</summary>
    public IReadOnlyDictionary<string, double> Habits { get; init; } = new Dictionary<string, double>();
}

/// <summary>A participant's truth in one task type: what the analysis should recover.</summary>
public sealed record TaskTruth(bool SelfReferentialFirst, double LatencyMs);

/// <summary>
/// How simulated participants behave: per task type the true probability that the first action is
/// self-referential (the analysis should recover it), its latency and the task's habits; and
/// everything around the tasks (who declines or leaves, devices, languages, coders).
/// </summary>
public sealed record Behaviour
{
    /// <summary>The true self-reference probability of a task type without one of its own here nor a reference proportion.</summary>
    public const double UsualSelfReference = 0.5;

    /// <summary>Per task type name (case-insensitive): what differs from the defaults.</summary>
    public IReadOnlyDictionary<string, TaskBehaviour> Tasks { get; init; } = new Dictionary<string, TaskBehaviour>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Time from a task step's onset to the first action, for task types that set none.</summary>
    public LogNormal Latency { get; init; } = new(2000, 0.55);
    /// <summary>Probability of declining consent.</summary>
    public double Decline { get; init; } = 0.02;
    /// <summary>Probability of leaving during any one step after consent (the debrief excepted): a constant hazard per step.</summary>
    public double DropOut { get; init; } = 0.02;
    /// <summary>
    /// Answers that need coding (handwriting) are coded by two simulated coders: with this
    /// probability both give the true code; otherwise one of them (either, at random) gives
    /// another, and the answer stays undecided ("coders disagree"), as with human coders who have
    /// not yet looked again.
    /// </summary>
    public double CoderAgreement { get; init; } = 0.95;
    /// <summary>Share of participants from German-speaking locales (de, de_AT, de_CH); the rest are English-speaking (en_US, en_GB, en_IE, en_AU).</summary>
    public double German { get; init; } = 0.5;
    /// <summary>Shares of desktop (mouse), tablet (pen or finger) and phone (finger) participants; normalised.</summary>
    public double Desktop { get; init; } = 0.6;
    public double Tablet { get; init; } = 0.15;
    public double Phone { get; init; } = 0.25;

    /// <summary>
    /// The true self-reference probability of a task type: as set here, else the task's reference
    /// proportion (participants behave as in its reference study), else <see cref="UsualSelfReference"/>.
    /// </summary>
    public double SelfReference(TaskType task) => For(task)?.SelfReference ?? task.ReferenceProportion ?? UsualSelfReference;

    public LogNormal LatencyOf(TaskType task) => For(task)?.Latency ?? Latency;

    public IReadOnlyDictionary<string, double> Habits(TaskType task) => For(task)?.Habits ?? new Dictionary<string, double>();

    /// <summary>This behaviour with the task type's true self-reference probability set.</summary>
    public Behaviour WithSelfReference(string task, double probability) => WithTask(task, t => t with { SelfReference = probability });

    /// <summary>This behaviour with the task type's habit set (e.g. ("map", "search", 0.4)).</summary>
    public Behaviour WithHabit(string task, string habit, double value) =>
        WithTask(task, t => t with { Habits = new Dictionary<string, double>(t.Habits) { [habit] = value } });

    private Behaviour WithTask(string task, Func<TaskBehaviour, TaskBehaviour> change)
    {
        var tasks = new Dictionary<string, TaskBehaviour>(Tasks, StringComparer.OrdinalIgnoreCase);
        tasks[task] = change(tasks.GetValueOrDefault(task) ?? new TaskBehaviour());
        return this with { Tasks = tasks };
    }

    private TaskBehaviour? For(TaskType task) => Tasks.GetValueOrDefault(task.Name);

    /// <exception cref="ArgumentException">a task type is unknown, a probability is outside [0, 1] or a latency is not positive; the message names it.</exception>
    public void Validate()
    {
        foreach (var (name, task) in Tasks)
        {
            if (StepTypes.Task(name) is null)
                throw new ArgumentException($"there is no task type '{name}' (task types: {string.Join(", ", StepTypes.Tasks.Select(t => t.Name))})");
            if (task.SelfReference is { } p && !(p >= 0 && p <= 1))
                throw new ArgumentException($"{name}: the self-reference probability must lie between 0 and 1, was {p}");
            if (task.Latency is { } latency) CheckLatency($"{name} latency", latency);
            foreach (var (habit, value) in task.Habits)
                if (!double.IsFinite(value)) throw new ArgumentException($"{name}: habit '{habit}' must be a finite number, was {value}");
        }
        CheckLatency("latency", Latency);
        foreach (var (name, p) in new[]
        {
            ("decline probability", Decline), ("drop-out probability", DropOut), ("coder agreement", CoderAgreement), ("German share", German),
        })
            if (!(p >= 0 && p <= 1)) throw new ArgumentException($"{name} must lie between 0 and 1, was {p}");
        if (DropOut >= 1) throw new ArgumentException("drop-out probability must be below 1, or nobody would reach a task");
        if (!(Desktop >= 0 && Tablet >= 0 && Phone >= 0 && Desktop + Tablet + Phone > 0))
            throw new ArgumentException("device shares must not be negative and must not all be 0");
    }

    private static void CheckLatency(string name, LogNormal latency)
    {
        if (!(latency.MedianMs > 0 && latency.MedianMs < 600_000 && latency.Sigma >= 0 && latency.Sigma <= 3))
            throw new ArgumentException($"{name} needs a median between 0 and 600,000 ms and a spread between 0 and 3");
    }
}
