using System.Net.Sockets;

namespace SelfRef.Fault.Tests.Support;

/// <summary>Copies one direction of a proxied connection until either side ends it; the proxies' cuts and stops end it quietly.</summary>
internal static class SocketPump
{
    public static async Task Copy(Socket from, Socket to, CancellationToken ct, Action<int>? copied = null)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, ct);
                if (n == 0) break;
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, ct);
                copied?.Invoke(n);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException) { }
    }
}
