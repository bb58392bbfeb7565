using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using SelfRef.Core.Sessions;

namespace SelfRef.Web.Researcher;

/// <summary>Pushes "this experiment changed" to the researcher pages watching it, so they refresh without polling.</summary>
[Authorize]
public sealed class ResearcherHub(SessionService sessions) : Hub
{
    public const string Path = "/hubs/researcher";
    public const string AllExperiments = "*";

    /// <summary>Watch one experiment, or every experiment with "*".</summary>
    public Task Watch(string experimentId)
    {
        if (experimentId != AllExperiments && sessions.Experiment(experimentId) is null)
            throw new HubException($"no experiment '{experimentId}'");
        return Groups.AddToGroupAsync(Context.ConnectionId, experimentId);
    }
}

/// <summary>
/// Tells watching researchers that an experiment's sessions changed; at most about twice a
/// second per experiment, however many participants are busy.
/// </summary>
public sealed class ExperimentNotifier
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);
    private readonly IHubContext<ResearcherHub> _hub;
    private readonly HashSet<string> _pending = [];
    private readonly Lock _lock = new();

    public ExperimentNotifier(SessionService sessions, IHubContext<ResearcherHub> hub)
    {
        _hub = hub;
        sessions.Changed += session => Notify(session.ExperimentId);
    }

    private void Notify(string experimentId)
    {
        lock (_lock)
            if (!_pending.Add(experimentId)) return;
        _ = Task.Run(async () =>
        {
            await Task.Delay(Quiet);
            lock (_lock) _pending.Remove(experimentId);
            await _hub.Clients.Groups(experimentId, ResearcherHub.AllExperiments).SendAsync("experimentChanged", experimentId);
        });
    }
}
