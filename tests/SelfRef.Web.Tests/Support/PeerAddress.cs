using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace SelfRef.Tests.Support;

/// <summary>
/// The address a request comes from, as Kestrel takes it from the socket. The test server has no
/// socket: this filter, ahead of the whole pipeline, takes the address from the test's
/// <see cref="Header"/> (default <see cref="Default"/>), so a test can speak as a proxy, a client
/// or anyone else. Without it the test server leaves the address empty, which the forwarded-header
/// middleware treats as a local connection.
/// </summary>
public sealed class PeerAddress : IStartupFilter
{
    public const string Header = "X-Test-Peer";
    public static readonly IPAddress Default = IPAddress.Parse("192.0.2.1");

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((http, following) =>
        {
            http.Connection.RemoteIpAddress = http.Request.Headers.TryGetValue(Header, out var peer) ? IPAddress.Parse(peer.ToString()) : Default;
            http.Request.Headers.Remove(Header);
            return following(http);
        });
        next(app);
    };
}
