using System.Collections;
using System.Reflection;
using System.Text.Json;
using LiteDB;
using SelfRef.Core.Events;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;

namespace SelfRef.Core.Tests.Storage;

[CollectionDefinition(nameof(ExpressionCacheTests), DisableParallelization = true)]
public sealed class ExpressionCacheCollection;

/// <summary>
/// LiteDB compiles every distinct expression text once and keeps it for the life of the process
/// (BsonExpression's static caches). A store whose queries wrote values into the text grew that
/// cache by a compiled delegate per session, token and read chunk: the server's memory grew for as
/// long as it ran (a 10-minute browser soak: +66 MiB a minute). Runs alone, since the caches are
/// shared by every test in the process; reads LiteDB 5.0.21's private fields by name.
/// </summary>
[Collection(nameof(ExpressionCacheTests))]
public sealed class ExpressionCacheTests : IDisposable
{
    private readonly TempDatabase _file = new();

    public void Dispose() => _file.Dispose();

    private static int CachedExpressions() =>
        new[] { "_cacheScalar", "_cacheEnumerable" }
            .Sum(name => ((ICollection)(typeof(BsonExpression).GetField(name, BindingFlags.NonPublic | BindingFlags.Static)
                ?? throw new InvalidOperationException($"LiteDB's BsonExpression has no field {name} (another LiteDB version?)")).GetValue(null)!).Count);

    private static EventBatch Batch(long seq) =>
        new(seq, "pen", [new ClientEvent(0, "pen.point", JsonDocument.Parse("""{"x":1}""").RootElement.Clone())]);

    [Fact]
    public async Task Reading_many_sessions_compiles_no_expression_per_session()
    {
        const int sessions = 300;
        using var store = new LiteDbStore(_file.Path);
        // One round first, so that the queries' own texts are compiled before counting.
        async Task Round(int from, int count)
        {
            for (var i = from; i < from + count; i++)
            {
                var id = $"P-{i:D4}";
                await store.InsertSession(new Session { Id = id, Token = $"token-{i}", ExperimentId = "x", Steps = ["consent", "pen"], StepIndex = 1 });
                await store.Append(id, Batch(1));
                Assert.NotNull(store.FindSessionByToken($"token-{i}"));
                Assert.Equal(0, store.DurableSeq(id, "tab2"));
                Assert.Single(store.Events(id));
                Assert.Empty(store.CodesOf(id));
            }
        }
        await Round(0, 5);
        var before = CachedExpressions();
        await Round(5, sessions);
        var grown = CachedExpressions() - before;
        Assert.True(grown < 20, $"{grown} expressions compiled for {sessions} sessions");
    }
}
