using LiteDB;

namespace SelfRef.Core.Storage;

/// <summary>Databases written before sessions were sealed with their own keys.</summary>
internal static class LegacyFormat
{
    public static bool Holds(LiteDatabase db) =>
        db.GetCollection("sessions").FindOne(Query.All()) is { } session && !session.ContainsKey("body")
        || db.GetCollection("events").FindOne(Query.All()) is { } batch && !batch.ContainsKey("payload");

    public static void Check(LiteDatabase db, string path)
    {
        if (Holds(db))
            throw new IOException($"{path} was written by an earlier SelfRef (events not sealed per session); it must be migrated first");
    }
}
