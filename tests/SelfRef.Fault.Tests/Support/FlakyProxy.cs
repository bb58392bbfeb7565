using System.Net;
using System.Net.Sockets;

namespace SelfRef.Fault.Tests.Support;

/// <summary>
/// A TCP proxy on loopback that forwards every connection to the server and, while
/// <see cref="Dropping"/> is on, cuts each one after a random lifetime: half of them with a reset
/// (as a dead Wi-Fi or a NAT timeout looks), half with an orderly close (as a proxy restart looks).
/// Lifetimes come from one seeded generator, in the order connections arrive.
/// </summary>
public sealed class FlakyProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly Random _random;
    private readonly Lock _randomLock = new();
    private readonly TimeSpan _minLife, _maxLife;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;
    private long _accepted, _dropped, _resets, _bytes;

    public FlakyProxy(Uri target, int seed, TimeSpan minLife, TimeSpan maxLife)
    {
        _target = new IPEndPoint(IPAddress.Parse(target.Host), target.Port);
        _random = new Random(seed);
        (_minLife, _maxLife) = (minLife, maxLife);
        _listener.Start(1024);
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = Task.Run(Accept);
    }

    public Uri Url { get; }
    /// <summary>While on, every connection is cut after its lifetime; connections made while off live on.</summary>
    public volatile bool Dropping = true;
    public long Accepted => Interlocked.Read(ref _accepted);
    /// <summary>Connections the proxy cut (resets included).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);
    public long Resets => Interlocked.Read(ref _resets);
    /// <summary>Bytes forwarded in both directions.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    private async Task Accept()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            Interlocked.Increment(ref _accepted);
            TimeSpan life;
            bool reset;
            lock (_randomLock)
            {
                life = _minLife + (_maxLife - _minLife) * _random.NextDouble();
                reset = _random.Next(2) == 0;
            }
            lock (_pumps) _pumps.Add(Task.Run(() => Forward(client, life, reset)));
        }
    }

    private async Task Forward(Socket client, TimeSpan life, bool reset)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        try
        {
            await server.ConnectAsync(_target, cut.Token);
            var up = SocketPump.Copy(client, server, cut.Token, Counted);
            var down = SocketPump.Copy(server, client, cut.Token, Counted);
            var lifetime = Task.Delay(life, cut.Token);
            var first = await Task.WhenAny(up, down, lifetime);
            if (first == lifetime && Dropping)
            {
                Interlocked.Increment(ref _dropped);
                if (reset)
                {
                    Interlocked.Increment(ref _resets);
                    // Linger 0: close sends RST instead of FIN; data in flight is lost.
                    client.LingerState = new LingerOption(true, 0);
                    server.LingerState = new LingerOption(true, 0);
                }
                await cut.CancelAsync();
            }
            else if (first == lifetime)
            {
                await Task.WhenAny(up, down);
            }
            await cut.CancelAsync();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException) { }
        finally
        {
            client.Dispose();
        }
    }

    private void Counted(int bytes) => Interlocked.Add(ref _bytes, bytes);

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
