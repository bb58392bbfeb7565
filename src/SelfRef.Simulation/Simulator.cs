using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using SelfRef.Core.Gazetteer;
using SelfRef.Simulation.Participants;
using SelfRef.Simulation.Protocol;
using SelfRef.Simulation.Scripts;

namespace SelfRef.Simulation;

/// <summary>
/// Runs a simulated study against a server: each participant follows the participant link with
/// their browser's language and user agent (and recruitment parameters, which the server keeps
/// if the experiment records them), opens their own hub connection, and walks the steps the
/// server gives them: for each step the events a browser would log, sent through the outbox,
/// then advance (with the questionnaire's answers) or decline. They stop where their drop-out
/// draw says. At the end every session's durable count is compared with the events produced.
/// Handwritten answers of participants who finished get two simulated coders' codes
/// (<see cref="SimulatedCoders"/>), returned for the caller to store.
/// </summary>
public sealed class Simulator
{
    private readonly SimulationOptions _options;
    private readonly ParticipantGenerator _generator;
    private readonly SendCounters _counters = new();
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private int _finished, _completed, _failed;

    public Simulator(SimulationOptions options, Gazetteer gazetteer)
    {
        options.Validate();
        _options = options;
        _generator = new ParticipantGenerator(options.Behaviour, new Places(gazetteer), options.Seed);
    }

    public ParticipantGenerator Generator => _generator;

    public static Task<SimulationResult> RunAsync(SimulationOptions options, Gazetteer gazetteer, CancellationToken cancellationToken = default) =>
        new Simulator(options, gazetteer).RunAsync(cancellationToken);

    public async Task<SimulationResult> RunAsync(CancellationToken cancellationToken = default)
    {
        using var hard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hard.CancelAfter(_options.HardLimit);
        var clock = Stopwatch.StartNew();
        using var http = ParticipantLink.Client(_options.BaseUrl, Math.Max(4, _options.Concurrency));
        var sessions = new SimulatedSession[_options.Participants];
        var codes = new ConcurrentBag<SimulatedCode>();
        await Parallel.ForEachAsync(Enumerable.Range(0, _options.Participants),
            new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = hard.Token },
            async (i, ct) =>
            {
                var participant = _generator.Create(i);
                sessions[i] = await Walk(http, participant, codes, ct);
                var finished = Interlocked.Increment(ref _finished);
                if (sessions[i].End == SessionEnd.Completed) Interlocked.Increment(ref _completed);
                if (sessions[i].End == SessionEnd.Failed) Interlocked.Increment(ref _failed);
                _options.Progress?.Invoke(new SimulationProgress(finished, _options.Participants, _completed, _failed));
            });
        return new SimulationResult
        {
            Options = _options,
            Sessions = sessions,
            Codes = codes.OrderBy(c => c.Token, StringComparer.Ordinal).ThenBy(c => c.Coder, StringComparer.Ordinal).ToList(),
            Elapsed = clock.Elapsed,
            EventsSent = _counters.Sent,
            Retries = _counters.Retries,
            Errors = new Dictionary<string, int>(_errors),
        };
    }

    private async Task<SimulatedSession> Walk(HttpClient http, SimulatedParticipant participant, ConcurrentBag<SimulatedCode> codes, CancellationToken ct)
    {
        string? token = null;
        EventOutbox? outbox = null;
        var done = new List<string>();
        string? current = null;
        // Steps human coders would decide (handwriting): the simulated coders code them from the truth.
        var coded = new List<(string Step, TaskTruth Truth)>();
        var truths = new Dictionary<string, TaskTruth>(StringComparer.Ordinal);
        string? error = null;
        var end = SessionEnd.Failed;
        try
        {
            var query = $"?PROLIFIC_PID={participant.ProlificId}&STUDY_ID=simulated&SESSION_ID={participant.Stream}";
            token = await ParticipantLink.StartSession(http, _options.ExperimentId, query, ct, request =>
            {
                request.Headers.TryAddWithoutValidation("Accept-Language", participant.AcceptLanguage);
                request.Headers.TryAddWithoutValidation("User-Agent", participant.UserAgent);
            });
            var connection = ParticipantLink.Hub(_options.BaseUrl, token);
            outbox = new EventOutbox(token, connection, _options.Send, _counters, Error, participant.Stream);
            await connection.StartAsync(ct);

            var identity = new Dictionary<string, string>(StringComparer.Ordinal);
            var state = await Get(http, $"/api/p/{token}", ct);
            // Each step's wall clock: a session starting at a time fixed by the seed and index, then minutes apart.
            var wall = 1_767_225_600_000L + participant.Index * 60_000L;
            while (true)
            {
                var step = StepInfo.From(state.GetProperty("step"));
                current = step.Id;
                var status = state.GetProperty("status").GetString();
                var context = new StepContext(participant, _generator, Seeds.Random(_options.Seed, participant.Index, "step/" + step.Id), wall + step.Index * 45_000L);
                foreach (var (question, answer) in StepScript.IdentityAnswers(step, context)) identity[question] = answer;
                if (step.Task is { } task) truths[task.Name] = context.Truth(task);
                var plan = StepScript.Plan(step, context, identity);
                if (status == "completed")
                {
                    // The debrief: its onset is logged, and the page waits until everything is acknowledged.
                    outbox.Add(step.Id, plan.Events);
                    if (!await outbox.Flush(ct)) throw new ParticipantProtocolException("events of the debrief were not acknowledged");
                    end = SessionEnd.Completed;
                    break;
                }
                if (step.Index >= participant.LeavesAtStep && step.Index > 0)
                {
                    // Leaves in the middle of the step: what was logged until then is sent, nothing more.
                    outbox.Add(step.Id, plan.Events.Take(context.Random.Next(1, plan.Events.Count + 1)));
                    await outbox.Flush(ct);
                    end = SessionEnd.DroppedOut;
                    break;
                }
                outbox.Add(step.Id, plan.Events);
                if (!await outbox.Flush(ct)) throw new ParticipantProtocolException($"events of step '{step.Id}' were not acknowledged");
                if (plan.End == StepEnd.Decline)
                {
                    await Post(http, $"/api/p/{token}/decline", null, ct);
                    end = SessionEnd.Declined;
                    break;
                }
                state = await Post(http, $"/api/p/{token}/advance", new { step = step.Id, answers = plan.Answers }, ct);
                done.Add(step.Id);
                if (step.Task is { } coding && coding.NeedsCoding(step.Record())) coded.Add((step.Id, truths[coding.Name]));
            }
        }
        catch (Exception e) when (e is ParticipantProtocolException or HttpRequestException or IOException or JsonException or InvalidDataException
                                   || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            error = e.Message;
            Error(e.Message);
            end = SessionEnd.Failed;
        }

        long? durable = null;
        if (outbox is not null)
        {
            durable = end == SessionEnd.Declined ? null : await outbox.AskDurable(ct);
            try { await outbox.Connection.DisposeAsync(); }
            catch (Exception e) when (e is not OutOfMemoryException) { Error("closing a connection: " + e.GetType().Name); }
        }
        // Coders see an answer once the participant has given the name (the questionnaire after the tasks).
        if (end == SessionEnd.Completed && token is not null)
            foreach (var (stepId, truth) in coded)
                foreach (var code in SimulatedCoders.Code(participant, token, stepId, truth, _options.Behaviour, _options.Seed))
                    codes.Add(code);
        // A declined session keeps only its refusal: its events are deleted on purpose, none is lost.
        var produced = end == SessionEnd.Declined ? 0 : outbox?.Produced ?? 0;
        return new SimulatedSession(participant, token, end, done, current, produced, end == SessionEnd.Declined ? 0 : durable, error, truths);
    }

    private static async Task<JsonElement> Get(HttpClient http, string path, CancellationToken ct)
    {
        using var response = await http.GetAsync(path, ct);
        return await Read(response, "GET " + path.Split('/')[1], ct);
    }

    private static async Task<JsonElement> Post(HttpClient http, string path, object? body, CancellationToken ct)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body ?? new { }), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(path, content, ct);
        return await Read(response, "POST …/" + path.Split('/')[^1], ct);
    }

    private static async Task<JsonElement> Read(HttpResponseMessage response, string what, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new ParticipantProtocolException($"{what} answered {(int)response.StatusCode}: {(text.Length > 300 ? text[..300] : text)}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private void Error(string message)
    {
        if (_errors.Count < 40 || _errors.ContainsKey(message)) _errors.AddOrUpdate(message, 1, (_, n) => n + 1);
        else _errors.AddOrUpdate("(further distinct problems not recorded)", 1, (_, n) => n + 1);
    }
}
