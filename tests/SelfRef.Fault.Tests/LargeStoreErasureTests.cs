using System.Text.Json;
using SelfRef.Core.Events;
using SelfRef.Core.Experiments;
using SelfRef.Core.Privacy;
using SelfRef.Core.Sessions;
using SelfRef.Core.Storage;
using SelfRef.Fault.Tests.Support;
using SelfRef.Tests.Support;
using Xunit.Abstractions;

namespace SelfRef.Fault.Tests;

/// <summary>
/// Issue 11: a database past 100,000 batch documents (what real browsers send: a small batch every
/// frame while drawing) goes through withdrawal and retention while others keep writing. With
/// LiteDB's Rebuild this closed the engine ("Detected loop in FindAll") and froze the server.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class LargeStoreErasureTests(ITestOutputHelper output)
{
    private const int Sessions = 480, Batches = 210, Events = 3, Withdrawn = 12;

    private static readonly Experiment Map = ExperimentLoader.LoadFile(Path.Combine(Repository.Root, "experiments", "gallup-map.json")).Experiment!;

    private static string Id(int i) => $"P-{i:D6}";

    private static EventBatch Batch(long seq, int salt) => new(seq, "map", Enumerable.Range(0, Events)
        .Select(e => new ClientEvent(salt * 250 + e * 16.7, "map.view", JsonSerializer.SerializeToElement(new { lat = 50 + salt % 7 * 0.01, lng = 8 + e * 0.01, zoom = 5 })))
        .ToList());

    [Fact]
    public async Task Withdrawal_and_retention_on_more_than_100000_batch_documents_keep_the_server_writing_and_every_kept_event()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"selfref-large-{Guid.NewGuid():N}")).FullName;
        var database = Path.Combine(folder, "large.db");
        var options = new StoreOptions { Identifying = new IdentifyingData([Map]) };
        try
        {
            using (var store = new LiteDbStore(database, options))
            {
                for (var i = 0; i < Sessions; i++)
                    await store.InsertSession(new Session
                    {
                        Id = Id(i), Token = $"token-{i}", ExperimentId = Map.Id, ConditionId = "main", Slot = i,
                        Steps = ["consent", "intro", "map", "about-you", "debrief"], StepIndex = 4, Status = SessionStatus.Completed,
                        Answers = new() { ["about-you.hometown"] = $"gn:{2851465 + i}|Quedlinburg-{i}", ["about-you.age"] = "30" },
                        StartedAt = DateTime.UtcNow, LastSeenAt = DateTime.UtcNow, EndedAt = DateTime.UtcNow,
                        WithdrawalCode = $"W{i:D4}-0000-0000-0000",
                    });
                await Parallel.ForEachAsync(Enumerable.Range(0, Sessions), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, _) =>
                {
                    for (var b = 0; b < Batches; b++) await store.Append(Id(i), Batch(1 + (long)b * Events, b));
                });
                Assert.True(Sessions * Batches > 100_000);

                var sessions = new SessionService(store, [Map], TimeProvider.System);
                // Someone keeps writing all along; every one of their batches must be acknowledged.
                await store.InsertSession(new Session { Id = "P-WRITER", Token = "writer", ExperimentId = Map.Id, Steps = ["consent", "intro", "map"], StepIndex = 2 });
                using var stop = new CancellationTokenSource();
                var writer = Task.Run(async () =>
                {
                    long next = 1, batches = 0;
                    while (!stop.IsCancellationRequested)
                    {
                        next = await store.Append("P-WRITER", Batch(next, (int)next)) + 1;
                        batches++;
                    }
                    return batches;
                });

                for (var i = 0; i < Withdrawn; i++)
                {
                    var deleted = await sessions.Withdraw(sessions.Find($"token-{i}")!);
                    Assert.Equal(Batches, deleted.EventBatches);
                    Assert.Equal(Batches * Events, deleted.Events);
                }
                // The server's own sweep (what each RetentionCheckSeconds tick runs).
                var sweeper = new SelfRef.Web.Hosting.PrivacySweeper(new RetentionPass(sessions, store, TimeProvider.System), TimeProvider.System,
                    Microsoft.Extensions.Options.Options.Create(new SelfRef.Web.Hosting.SelfRefOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<SelfRef.Web.Hosting.PrivacySweeper>.Instance);
                var retained = await sweeper.RunOnce();
                stop.Cancel();
                var written = await writer;
                output.WriteLine($"{Sessions * Batches:N0} batch documents; withdrew {Withdrawn}, retention deleted the identifiers of {retained}; the writer stored {written} batches meanwhile");
                Assert.Equal(Sessions - Withdrawn, retained);
                Assert.True(written > 0);
                Assert.Null(store.Failure);
            }

            // Nothing was rebuilt or swapped, and the file opens with everything kept.
            Assert.Empty(Directory.GetFiles(folder, "*-backup*").Concat(Directory.GetFiles(folder, "*-temp*")));
            using var reopened = new LiteDbStore(database, options);
            var all = Enumerable.Range(1, Batches * Events).Select(n => (long)n).ToList();
            for (var i = 0; i < Sessions; i++)
            {
                var session = reopened.FindSession(Id(i));
                if (i < Withdrawn)
                {
                    Assert.Null(session);
                    Assert.Empty(reopened.Events(Id(i)));
                    continue;
                }
                Assert.NotNull(session);
                Assert.False(session.Answers.ContainsKey("about-you.hometown"), $"{Id(i)} kept its home town after retention");
                Assert.Equal("30", session.Answers["about-you.age"]);
                Assert.NotNull(session.IdentifiersDeletedAt);
                Assert.Equal(all, reopened.Events(Id(i)).SelectMany(b => b.Events).Select(e => e.N));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
