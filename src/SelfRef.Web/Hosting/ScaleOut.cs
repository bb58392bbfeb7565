using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace SelfRef.Web.Hosting;

/// <summary>
/// What several instances behind one proxy share through Redis (<see cref="SelfRefOptions.Redis"/>):
/// SignalR's backplane, so that a researcher page connected to one instance hears of participants
/// connected to any; and the Data Protection keys, so that a login cookie or an antiforgery token
/// issued by one instance is read by every other. One instance (no Redis) keeps both in-process
/// as before. The identifier keys of sessions are not these: they belong to the store.
/// </summary>
public static class ScaleOut
{
    /// <summary>All keys and channels SelfRef writes in Redis begin with this, so one Redis can serve other programs too.</summary>
    public const string Prefix = "selfref:";

    /// <summary>Where Redis keeps the Data Protection key ring.</summary>
    public static readonly RedisKey DataProtectionKeys = Prefix + "data-protection-keys";

    /// <summary>
    /// Connects to Redis and registers the backplane and the shared keys; null after one line on
    /// <paramref name="error"/> naming the setting when Redis cannot be reached or the setting is wrong.
    /// Connecting at start means a wrong address stops the start instead of leaving an instance
    /// that silently shares nothing.
    /// </summary>
    public static IConnectionMultiplexer? AddScaleOut(this WebApplicationBuilder builder, ISignalRServerBuilder signalR, string redis, TextWriter error)
    {
        ConfigurationOptions options;
        try { options = ConfigurationOptions.Parse(redis); }
        catch (ArgumentException e)
        {
            error.WriteLine($"configuration: {SelfRefOptions.Section}:Redis '{redis}' is not a Redis address (host:port): {e.Message}");
            return null;
        }
        // Keep trying in the background after a Redis restart instead of failing for good.
        options.AbortOnConnectFail = false;
        var multiplexer = ConnectionMultiplexer.Connect(options);
        if (!multiplexer.IsConnected)
        {
            error.WriteLine($"configuration: {SelfRefOptions.Section}:Redis: cannot reach Redis at '{redis}' ({multiplexer.GetStatus().Trim().Split('\n').LastOrDefault()?.Trim()})");
            multiplexer.Dispose();
            return null;
        }
        builder.Services.AddSingleton<IConnectionMultiplexer>(multiplexer);
        signalR.AddStackExchangeRedis(redis, backplane =>
        {
            backplane.Configuration.AbortOnConnectFail = false;
            backplane.Configuration.ChannelPrefix = RedisChannel.Literal(Prefix + "signalr");
            // The instances' multiplexer, not a second connection per instance.
            backplane.ConnectionFactory = _ => Task.FromResult<IConnectionMultiplexer>(multiplexer);
        });
        // Replaces the key folder as the key ring's home (registered after it, so it wins); the
        // application name is the same fixed one on every instance (the default, the program's
        // folder, differs between machines and installs).
        builder.Services.AddDataProtection()
            .SetApplicationName(IdentifierProtection.ApplicationName)
            .PersistKeysToStackExchangeRedis(multiplexer, DataProtectionKeys);
        return multiplexer;
    }
}
