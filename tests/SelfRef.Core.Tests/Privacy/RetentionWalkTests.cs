using System.Collections;
using System.Reflection;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Core.Tests.Storage;

namespace SelfRef.Core.Tests.Privacy;

/// <summary>
/// How a retention pass walks the sessions a store reads as the walk reaches them: the stop is
/// asked before each read, and a record that cannot be read ends its experiment's walk, not the pass.
/// </summary>
public sealed class RetentionWalkTests : IDisposable
{
    private readonly TempDatabase _file = new();
    private readonly LiteDbStore _store;
    private static readonly Experiment[] Experiments = new[] { "gallup-replication.json", "gallup-map.json" }
        .Select(f => ExperimentLoader.LoadFile(Path.Combine(SelfRef.Tests.Support.Repository.Root, "experiments", f)).Experiment!).ToArray();

    public RetentionWalkTests() => _store = new LiteDbStore(_file.Path);

    public void Dispose()
    {
        _store.Dispose();
        _file.Dispose();
    }

    private async Task<SessionService> ThreeUnderWayIn(params Experiment[] experiments)
    {
        var sessions = new SessionService(_store, experiments, TimeProvider.System);
        foreach (var experiment in experiments)
            for (var i = 0; i < 3; i++)
                await sessions.Advance(await sessions.Start(experiment.Id, "de", new Dictionary<string, string>(), "agent"), "consent", null);
        return sessions;
    }

    [Fact]
    public async Task A_server_that_stops_has_no_further_session_read_once_the_stop_came()
    {
        var sessions = await ThreeUnderWayIn(Experiments[0]);
        using var stop = new CancellationTokenSource();
        // The stop comes while the pass handles its first session (as it asks for the study's codes): the store may be closed next.
        var (store, walks) = Walks.Around(_store, onRead: (_, _) => { }, onCodes: stop.Cancel);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new RetentionPass(sessions, store, TimeProvider.System).Run(stop.Token));
        Assert.Equal(1, walks.Read);
    }

    [Fact]
    public async Task A_session_record_that_cannot_be_read_ends_its_experiments_walk_and_the_other_experiments_are_handled()
    {
        var sessions = await ThreeUnderWayIn(Experiments);
        var damaged = Experiments[0].Id;
        var (store, walks) = Walks.Around(_store, onRead: (experiment, n) =>
        {
            if (experiment == damaged && n == 2) throw new InvalidDataException("session record damaged");
        });
        var failed = await Assert.ThrowsAsync<AggregateException>(() => new RetentionPass(sessions, store, TimeProvider.System).Run());
        var failure = Assert.Single(failed.InnerExceptions);
        Assert.Contains($"experiment {damaged}", failure.Message);
        Assert.Contains("session record damaged", failure.Message);
        Assert.Equal(3, walks.ReadOf(Experiments[1].Id));
    }

    /// <summary>The store, with its session walks counted and a hook run as each session is read.</summary>
    public class Walks : DispatchProxy
    {
        private IStore _inner = null!;
        private Action<string, int> _onRead = null!;
        private Action? _onCodes;
        private readonly Dictionary<string, int> _read = [];

        public int Read => _read.Values.Sum();
        public int ReadOf(string experimentId) => _read.GetValueOrDefault(experimentId);

        public static (IStore Store, Walks Walks) Around(IStore store, Action<string, int> onRead, Action? onCodes = null)
        {
            var proxy = Create<IStore, Walks>();
            var walks = (Walks)(object)proxy;
            (walks._inner, walks._onRead, walks._onCodes) = (store, onRead, onCodes);
            return (proxy, walks);
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            try
            {
                if (method!.Name == nameof(IStore.Codes)) _onCodes?.Invoke();
                var result = method.Invoke(_inner, args);
                return method.Name switch
                {
                    nameof(IStore.SessionsOf) => new Walk(this, (string)args![0]!, (IEnumerable<Session>)result!),
                    nameof(IStore.SessionsHoldingIdentifiers) => new Walk(this, (string)args![0]!, (IEnumerable<Session>)result!),
                    _ => result,
                };
            }
            catch (TargetInvocationException e) { System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException!); throw; }
        }

        /// <summary>The sessions as a store that reads each one when the walk reaches it hands them over.</summary>
        private sealed class Walk(Walks walks, string experimentId, IEnumerable<Session> sessions) : IReadOnlyList<Session>
        {
            private readonly List<Session> _sessions = sessions.ToList();
            public int Count => _sessions.Count;
            public Session this[int index] => _sessions[index];

            public IEnumerator<Session> GetEnumerator()
            {
                foreach (var session in _sessions)
                {
                    var n = walks._read.GetValueOrDefault(experimentId) + 1;
                    walks._onRead(experimentId, n);
                    walks._read[experimentId] = n;
                    yield return session;
                }
            }

            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        }
    }
}
