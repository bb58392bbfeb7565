using Microsoft.AspNetCore.SignalR;
using SelfRef.Core.Events;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Tasks;
using SelfRef.Web.Hosting;

namespace SelfRef.Web.Participant;

/// <summary>
/// Where browsers deliver their events. A connection opens with its session token
/// (?session=…) and is bound to that session; a batch is checked here, stored by the single
/// writer, and acknowledged with the highest event number that is durable. Each connection has a
/// budget of calls (<see cref="CallsPerSecond"/>); calls beyond it wait their turn, and a
/// connection that would have to wait longer than <see cref="MaxThrottleWait"/> is closed.
/// </summary>
public sealed class ParticipantHub(SessionService sessions, IStore store, TimeProvider time, OutcomeUpdater outcomes) : Hub
{
    public const string Path = "/hubs/participant";
    public const long MaxMessageBytes = 512 * 1024;
    // A browser sends about 4 batches a second, one at a time; after being offline it catches
    // up as fast as acknowledgements return, which 100 calls a second of up to 1,000 events allow.
    public const double CallsPerSecond = 100;
    public const double CallBurst = 100;
    public static readonly TimeSpan MaxThrottleWait = TimeSpan.FromSeconds(1);
    private const string SessionKey = "session", ThrottleKey = "throttle";

    public override async Task OnConnectedAsync()
    {
        var token = Context.GetHttpContext()?.Request.Query["session"].ToString();
        if (string.IsNullOrEmpty(token) || sessions.Find(token) is not { } session)
        {
            Context.Abort();
            return;
        }
        Context.Items[SessionKey] = session.Id;
        Context.Items[ThrottleKey] = new CallThrottle(time, CallsPerSecond, CallBurst);
        await base.OnConnectedAsync();
    }

    /// <summary>Waits until the connection's budget allows another call (SignalR runs one call per connection at a time, so a flood queues behind this).</summary>
    private async Task Throttle()
    {
        if (!Context.Items.TryGetValue(ThrottleKey, out var item) || item is not CallThrottle throttle)
            throw new HubException("this connection is bound to no session");
        var wait = throttle.Reserve();
        if (wait <= TimeSpan.Zero) return;
        if (wait > MaxThrottleWait)
        {
            Context.Abort();
            throw new HubException($"too many calls on this connection (at most {CallsPerSecond} a second); connection closed");
        }
        await Task.Delay(wait, time, Context.ConnectionAborted);
    }

    /// <summary>Stores a batch (once) and returns the highest durable event number of the session.</summary>
    public async Task<long> Append(string token, EventBatch batch)
    {
        await Throttle();
        if (BatchRules.Problem(batch) is { } problem) throw new HubException($"batch refused: {problem}");
        var advanceMark = sessions.AdvanceMark(token);
        if (sessions.Find(token) is not { } session) throw new HubException("batch refused: unknown session token");
        if (!Equals(Context.Items[SessionKey], session.Id)) throw new HubException("batch refused: this connection belongs to another session");
        if (session.Status == SessionStatus.Declined) throw new HubException("batch refused: the session has ended (consent was declined)");
        var index = session.Steps.IndexOf(batch.Step);
        if (index < 0) throw new HubException($"batch refused: step '{batch.Step}' is not part of this session");
        if (index > session.StepIndex) throw new HubException($"batch refused: step '{batch.Step}' is not reached yet");
        // The step as the session's own version defines it, whatever the file says now.
        var step = sessions.ExperimentOf(session).Steps.FirstOrDefault(s => s.Id == batch.Step)
            ?? throw new HubException($"batch refused: step '{batch.Step}' is not part of this experiment");
        if (BatchRules.Problem(batch, step) is { } wrong) throw new HubException($"batch refused: {wrong}");
        session = await sessions.Touch(session, batch.Events.Count > 0 ? batch.Events[^1].Type : null);
        try
        {
            var durable = await store.Append(session.Id, batch);
            // Events of a step the participant has left (sent late, after a reload or from a second tab) change its outcome.
            if (sessions.Appended(session, batch.Step, advanceMark)) outcomes.Request(session, batch.Step);
            return durable;
        }
        catch (BatchRefusedException e)
        {
            throw new HubException($"batch refused: {e.Message}");
        }
        catch (StoreUnavailableException)
        {
            // Not a refusal: the browser keeps the batch and sends it again (to the restarted server).
            throw new HubException("the server cannot store events right now; they are kept and sent again");
        }
    }

    /// <summary>The highest durable event number of the session's first stream, so a reloaded page knows what it need not send again.</summary>
    public Task<long> Durable(string token) => DurableOf(token, "");

    /// <summary>The same for one stream (browser tab) of the session.</summary>
    public async Task<long> DurableOf(string token, string stream)
    {
        await Throttle();
        if (sessions.Find(token) is not { } session || !Equals(Context.Items[SessionKey], session.Id))
            throw new HubException("unknown session token");
        return store.DurableSeq(session.Id, stream ?? "");
    }
}
