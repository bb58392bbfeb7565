using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SelfRef.Core.Storage;
using SelfRef.Simulation.Load;
using SelfRef.Tests.Support;

namespace SelfRef.Fault.Tests.Support;

/// <summary>
/// One server on a loopback socket for the hostile-client tests, with a few participants who
/// streamed their events before any attack (the victims whose stored data must not change).
/// </summary>
public sealed class HostileServer : IAsyncLifetime
{
    // Victims, attackers and the participants of the flood test all start from this one machine,
    // more than the start limit per address lets in (that limit has its own tests): off here.
    private readonly SelfRefFactory _factory = new() { Settings = { ["SelfRef:StartsPerAddress"] = "0" } };

    public Uri BaseUrl { get; private set; } = null!;
    public IStore Store => _factory.Services.GetRequiredService<IStore>();
    /// <summary>Tokens of the participants who streamed before the attacks.</summary>
    public IReadOnlyList<string> VictimTokens { get; private set; } = [];

    public async Task InitializeAsync()
    {
        BaseUrl = new Uri(_factory.StartOnKestrel());
        var victims = await LoadGenerator.RunAsync(new LoadOptions { BaseUrl = BaseUrl, Clients = 3, Duration = TimeSpan.FromSeconds(1) });
        if (!victims.Complete) throw new InvalidOperationException("the victims' events were not all stored");
        VictimTokens = victims.Sessions.Select(s => s.Token).ToList();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    /// <summary>A new session through the participant link, as an attacker gets one.</summary>
    public async Task<string> NewSession()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseUrl };
        using var response = await http.GetAsync("/s/gallup-pen");
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"the participant link answered {(int)response.StatusCode}");
        return response.Headers.Location!.OriginalString["/p/".Length..];
    }

    public Uri ParticipantHub(string token) => new(BaseUrl, $"/hubs/participant?session={Uri.EscapeDataString(token)}");

    public Task<RawHubConnection> Connect(string token) => RawHubConnection.Connect(ParticipantHub(token));

    public string SessionId(string token) => Store.FindSessionByToken(token)?.Id ?? throw new InvalidOperationException("no such session");

    /// <summary>Every stored session and its events, as text, by session id (the ids in <paramref name="except"/> left out).</summary>
    public IReadOnlyDictionary<string, string> Snapshot(params string[] except)
    {
        var snapshot = new Dictionary<string, string>();
        foreach (var experiment in new[] { "gallup-pen", "gallup-map", "gallup-pen-keyboard", "gallup-replication" })
            foreach (var session in Store.SessionsOf(experiment).Where(s => !except.Contains(s.Id)))
                snapshot[session.Id] = JsonSerializer.Serialize(new { session, events = Store.Events(session.Id) });
        return snapshot;
    }

    /// <summary>A batch as the browser sends it, in the JSON the hub reads.</summary>
    public static string Batch(long seq, int count = 1, string step = "consent", double x = 0.5, string stream = "") =>
        JsonSerializer.Serialize(new
        {
            seq,
            step,
            stream,
            events = Enumerable.Range(0, count).Select(i => new { t = 10.0 * i, type = "ui.click", data = new { target = FormattableString.Invariant($"x{x}y{i}") } }),
        });
}
