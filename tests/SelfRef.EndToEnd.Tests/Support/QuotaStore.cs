using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using SelfRef.Core.Storage;

namespace SelfRef.EndToEnd.Tests.Support;

/// <summary>
/// The server's store with one change: for the sessions a test marks as full, Append refuses every
/// batch the way the store refuses a batch past the session's storage quota (a
/// <see cref="BatchRefusedException"/> with the server's wording, which the hub passes to the
/// browser as "batch refused: …"). Everything else goes to the real store unchanged. Stands in for
/// the store side of the quota so that the browser's handling is tested through the real hub.
/// </summary>
public class QuotaStore : DispatchProxy
{
    public const string Refusal = "storage quota used up: this session may store at most 64 MB";

    private IStore _inner = null!;
    private readonly ConcurrentDictionary<string, int> _full = new();

    /// <summary>How many batches of each full session were refused.</summary>
    public int RefusedFor(string sessionId) => _full.GetValueOrDefault(sessionId);

    public void Fill(string sessionId) => _full.TryAdd(sessionId, 0);

    /// <summary>Replaces the server's store registration by this wrapper around it (the server's IStore is then a QuotaStore).</summary>
    public static void Around(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(IStore));
        services.Remove(original);
        services.AddSingleton(provider =>
        {
            var proxy = Create<IStore, QuotaStore>();
            ((QuotaStore)(object)proxy)._inner = original.ImplementationFactory is { } factory ? (IStore)factory(provider) : (IStore)original.ImplementationInstance!;
            return proxy;
        });
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (method!.Name == nameof(IStore.Append) && args![0] is string sessionId && _full.ContainsKey(sessionId))
        {
            _full.AddOrUpdate(sessionId, 1, (_, n) => n + 1);
            return Task.FromException<long>(new BatchRefusedException(Refusal));
        }
        try { return method.Invoke(_inner, args); }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
