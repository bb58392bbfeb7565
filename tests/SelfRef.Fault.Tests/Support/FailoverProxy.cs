using System.Net;
using System.Net.Sockets;

namespace SelfRef.Fault.Tests.Support;

/// <summary>
/// The load balancer in front of several instances, as far as a participant notices it: each new
/// connection goes to the first instance in the list that accepts it, so while the first lives its
/// clients stay with it (sticky), and once it is dead they reach the next one (failover, like
/// nginx's <c>proxy_next_upstream</c>). Connections to an instance end when it dies.
/// </summary>
public sealed class FailoverProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IReadOnlyList<IPEndPoint> _upstreams;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;
    private long _failedOver;

    public FailoverProxy(params Uri[] upstreams)
    {
        _upstreams = upstreams.Select(u => new IPEndPoint(IPAddress.Parse(u.Host), u.Port)).ToList();
        _listener.Start(1024);
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = Task.Run(Accept);
    }

    public Uri Url { get; }

    /// <summary>Connections that went to another instance than the first (it refused them).</summary>
    public long FailedOver => Interlocked.Read(ref _failedOver);

    private async Task Accept()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            lock (_pumps) _pumps.Add(Task.Run(() => Forward(client)));
        }
    }

    private async Task Forward(Socket client)
    {
        using var _ = client;
        client.NoDelay = true;
        for (var i = 0; i < _upstreams.Count; i++)
        {
            using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try { await server.ConnectAsync(_upstreams[i], _stop.Token); }
            catch (SocketException) { continue; }
            catch (OperationCanceledException) { return; }
            if (i > 0) Interlocked.Increment(ref _failedOver);
            using var cut = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            await Task.WhenAny(SocketPump.Copy(client, server, cut.Token), SocketPump.Copy(server, client, cut.Token));
            await cut.CancelAsync();
            return;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] pumps;
        lock (_pumps) pumps = [.. _pumps];
        await Task.WhenAll(pumps);
        _stop.Dispose();
    }
}
