using Microsoft.AspNetCore.SignalR;
using SelfRef.Core.Events;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;

namespace SelfRef.Web.Participant;

/// <summary>
/// Where browsers deliver their events. A connection opens with its session token
/// (?session=…) and is bound to that session; a batch is checked here, stored by the single
/// writer, and acknowledged with the highest event number that is durable.
/// </summary>
public sealed class ParticipantHub(SessionService sessions, IStore store) : Hub
{
    public const string Path = "/hubs/participant";
    public const long MaxMessageBytes = 512 * 1024;
    private const string SessionKey = "session";

    public override async Task OnConnectedAsync()
    {
        var token = Context.GetHttpContext()?.Request.Query["session"].ToString();
        if (string.IsNullOrEmpty(token) || sessions.Find(token) is not { } session)
        {
            Context.Abort();
            return;
        }
        Context.Items[SessionKey] = session.Id;
        await base.OnConnectedAsync();
    }

    /// <summary>Stores a batch (once) and returns the highest durable event number of the session.</summary>
    public async Task<long> Append(string token, EventBatch batch)
    {
        if (BatchRules.Problem(batch) is { } problem) throw new HubException($"batch refused: {problem}");
        if (sessions.Find(token) is not { } session) throw new HubException("batch refused: unknown session token");
        if (!Equals(Context.Items[SessionKey], session.Id)) throw new HubException("batch refused: this connection belongs to another session");
        if (session.Status == SessionStatus.Declined) throw new HubException("batch refused: the session has ended (consent was declined)");
        var index = session.Steps.IndexOf(batch.Step);
        if (index < 0) throw new HubException($"batch refused: step '{batch.Step}' is not part of this session");
        if (index > session.StepIndex) throw new HubException($"batch refused: step '{batch.Step}' is not reached yet");
        session = await sessions.Touch(session);
        try
        {
            return await store.Append(session.Id, batch);
        }
        catch (BatchRefusedException e)
        {
            throw new HubException($"batch refused: {e.Message}");
        }
    }

    /// <summary>The highest durable event number of the session's first stream, so a reloaded page knows what it need not send again.</summary>
    public long Durable(string token) => DurableOf(token, "");

    /// <summary>The same for one stream (browser tab) of the session.</summary>
    public long DurableOf(string token, string stream)
    {
        if (sessions.Find(token) is not { } session || !Equals(Context.Items[SessionKey], session.Id))
            throw new HubException("unknown session token");
        return store.DurableSeq(session.Id, stream ?? "");
    }
}
