using SelfRef.Core.Events;
using SelfRef.Core.Experiments;

namespace SelfRef.Core.Tasks;

/// <summary>
/// A task type as one unit, the way a jsPsych plugin is one: its parameters (the step record),
/// the events its page logs with their data and identifying fields (checked on arrival), the
/// outcome it derives from them with the extra columns that outcome carries (each with its
/// codebook text), the version of that rule, whether a human codes it, its browser module and
/// replay module (wwwroot/tasks/{name}.js, {name}-replay.js) and its synthetic participant's
/// script. Everything else — the hub, the store, privacy, the outcome table, exports, report,
/// views, simulation — reads this, never the task's name.
/// </summary>
public abstract class TaskType(string name, Type recordType) : StepType(name, recordType)
{
    public override bool IsTask => true;

    /// <summary>Raised whenever the derivation changes what it says: stored outcomes of an older rule are derived again (rederive).</summary>
    public abstract int RuleVersion { get; }

    /// <summary>The proportion of self-referential first actions the report tests against by default (the task's reference study), or null.</summary>
    public virtual double? ReferenceProportion => null;

    /// <summary>
    /// What the task counts as the participant's first action and how it is classified as self-referential, in
    /// sentences for a methods section or a preregistration's dependent variable. With a step, the values of its
    /// parameters (gaps, zoom levels, radius); without one (an outcome table alone), the rule in general.
    /// </summary>
    public abstract string FirstAction(Step? step);

    /// <summary>The outcome's own columns, beside the ones every task has (latency, self-reference, …).</summary>
    public abstract IReadOnlyList<OutcomeColumn> Columns { get; }

    /// <summary>The class that derives the outcome; made by dependency injection, so it asks for what it needs (e.g. the gazetteer) in its constructor.</summary>
    public abstract Type Deriver { get; }

    /// <summary>The answers the derivation compares with what was done (own name, home town): identifying wherever they are.</summary>
    public virtual IReadOnlyList<string> IdentifyingQuestions(Step step) => [];

    /// <summary>The task's instruction shown above it, per language (from the experiment file).</summary>
    public virtual LocalizedText? Instruction(Step step) => null;

    /// <summary>Whether human coders decide the outcome of this step (handwriting); the coding queue lists it.</summary>
    public virtual bool NeedsCoding(Step step) => false;

    /// <summary>The browser module that replays a session's step for the researcher, or null if there is none.</summary>
    public virtual string? ReplayModule(Step step) => null;

    /// <summary>
    /// The name of the file the replay module reads a session's step from, served as
    /// /researcher/sessions/{session}/steps/{step}/{name}.json (e.g. strokes, trajectory); null when
    /// the step has no replay data.
    /// </summary>
    public virtual string? ReplayDataName(Step step) => null;

    /// <summary>That file's content, serialised as JSON: what the replay draws, from the step's events on its timeline (every tab and reload).</summary>
    public virtual object? ReplayData(Step step, IReadOnlyList<StoredEvent> events) => null;

    /// <summary>Text the participant typed in this step, as they left it, for the researcher's session view; null when the task has none.</summary>
    public virtual string? WrittenText(Step step, IReadOnlyList<StoredEvent> events) => null;

    /// <summary>Extra origins the participant page needs for this step (e.g. a tile server): the security policy allows them.</summary>
    public virtual IReadOnlyList<string> ExternalOrigins(Step step) => [];

    /// <summary>
    /// The synthetic participant's script for a step of this task: the events its page would log
    /// after the step's onset (the simulator logs step.onset itself, as participant.js does), t in ms
    /// from that onset, acting out <see cref="TaskSimulation.SelfReferentialFirst"/> and
    /// <see cref="TaskSimulation.LatencyMs"/> so that <see cref="Deriver"/> finds them again. Every
    /// draw comes from <see cref="TaskSimulation.Random"/>; every event must be one the step declares
    /// (<see cref="StepType.Events"/>), with data of its declared shape.
    /// </summary>
    public abstract IReadOnlyList<ClientEvent> Simulate(Step step, TaskSimulation simulation);

    /// <summary>
    /// What the person answers, later in the questionnaire, to this step's <see cref="IdentifyingQuestions"/>
    /// (question id → answer as the page sends it): the simulator gives these answers, so the derivation
    /// compares the step with the person it simulated. Needed for every identifying question.
    /// </summary>
    public virtual IReadOnlyDictionary<string, string> SimulatedAnswers(Step step, SimulatedPerson person) => new Dictionary<string, string>();

    /// <summary>The outcome as it may be kept once the session's identifiers are gone: identifying columns are dropped; a task may say more.</summary>
    public virtual TaskOutcome WithoutIdentifiers(Step? step, TaskOutcome outcome) =>
        outcome with { Columns = outcome.Columns.Where(c => !Columns.Any(d => d.Name == c.Key && d.Identifying)).ToDictionary(c => c.Key, c => c.Value) };
}

/// <summary>Derives one task step's outcome (see <see cref="TaskType.Deriver"/>).</summary>
public interface ITaskDeriver
{
    TaskOutcome Derive(TaskEvidence evidence);
}
