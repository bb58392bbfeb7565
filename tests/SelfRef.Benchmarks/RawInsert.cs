using System.Diagnostics;
using LiteDB;
using SelfRef.Core.Events;
using SelfRef.Core.Storage;

namespace SelfRef.Benchmarks;

/// <summary>
/// LiteDB on its own: the documents the server stores for event batches (the shape of
/// LiteDbStore.Append), inserted with InsertBulk into a fresh file in direct mode. Only the
/// InsertBulk call is timed; building the documents (the events written as JSON and sealed, which
/// the server does before its writer) is not, so the raw figure is the ceiling it is.
/// </summary>
public static class RawInsert
{
    /// <summary>
    /// Documents per raw transaction: the most the server's single writer ever commits in one
    /// (SingleWriter.DefaultMaxGroup). The LiteDB store now commits at most 128 (LiteDbStore.MaxGroup,
    /// for its page cache's sake); the raw figure keeps the larger transactions, so it stays LiteDB's
    /// ceiling and the ratios stay comparable with the earlier ones.
    /// </summary>
    public const int WriterGroup = 2048;

    public sealed record Result(int Documents, int EventsPerDocument, int TransactionSize, TimeSpan Elapsed)
    {
        public long Events => (long)Documents * EventsPerDocument;
        public double DocumentsPerSecond => Documents / Elapsed.TotalSeconds;
        public double EventsPerSecond => Events / Elapsed.TotalSeconds;
    }

    public static Result Run(string folder, int sessions, int documents, int eventsPerDocument, int transactionSize = WriterGroup, int seed = 1)
    {
        var path = Path.Combine(folder, "raw.db");
        var docs = Build(sessions, documents, eventsPerDocument, seed);
        // The server's own connection settings for a new file (ordinal collation).
        using var db = new LiteDatabase(LiteDbStore.Connection(path));
        var events = db.GetCollection("events");
        var clock = Stopwatch.StartNew();
        var inserted = events.InsertBulk(docs, transactionSize);
        clock.Stop();
        if (inserted != documents) throw new InvalidOperationException($"InsertBulk stored {inserted} of {documents} documents");
        return new Result(documents, eventsPerDocument, transactionSize, clock.Elapsed);
    }

    /// <summary>
    /// Batches of all sessions interleaved, each session's numbered 1, 1+k, 1+2k, … as they arrive
    /// at the server, in the shape LiteDbStore stores them: the events' JSON sealed with a session
    /// key as one binary payload, beside the fields the store looks up by.
    /// </summary>
    private static List<BsonDocument> Build(int sessions, int documents, int eventsPerDocument, int seed)
    {
        var random = new Random(seed);
        var ids = Enumerable.Range(0, sessions).Select(_ => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))).ToArray();
        var keys = new SessionKeys(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), null);
        var next = new long[sessions];
        Array.Fill(next, 1);
        var received = DateTime.UtcNow.Ticks;
        var docs = new List<BsonDocument>(documents);
        for (var d = 0; d < documents; d++)
        {
            var s = d % sessions;
            var seq = next[s];
            var events = Enumerable.Range(0, eventsPerDocument).Select(i => new ClientEvent(Math.Round(d * 0.7 + i, 1), "pen.points",
                System.Text.Json.JsonSerializer.SerializeToElement(new { x = Math.Round(random.NextDouble(), 4), y = Math.Round(random.NextDouble(), 4), p = Math.Round(0.2 + 0.6 * random.NextDouble(), 3) }))).ToList();
            var payload = BatchPayload.Close(new EventBatch(seq, "consent", events), ids[s], keys, _ => []);
            var last = seq + eventsPerDocument - 1;
            docs.Add(new BsonDocument
            {
                ["_id"] = LiteDbStore.EventId(ids[s], "", seq),
                ["stream"] = "",
                ["from"] = seq,
                ["last"] = last,
                ["step"] = "consent",
                ["bytes"] = payload.Length,
                ["payload"] = payload,
                ["seq"] = seq,
                ["receivedAt"] = received,
            });
            next[s] = last + 1;
        }
        return docs;
    }

    /// <summary>Events in a store file written by the server, counted from its event documents (the server must be stopped).</summary>
    public static (long Documents, long Events) CountStored(string path)
    {
        using var db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct, ReadOnly = true });
        long documents = 0, events = 0;
        foreach (var doc in db.GetCollection("events").FindAll())
        {
            documents++;
            events += doc["last"].AsInt64 - doc["seq"].AsInt64 + 1;
        }
        return (documents, events);
    }
}
