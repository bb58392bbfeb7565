using System.Security.Cryptography;
using Npgsql;

namespace SelfRef.Core.Storage.Postgres;

/// <summary>
/// Every session's keys, in the session_keys table of the database itself, so that every instance
/// on the database has them (a key file would belong to one machine). Erasing destroys a key by
/// deleting its row and then VACUUMing the table, so the row version holding it is pruned from the
/// table at once; see the README for what PostgreSQL keeps elsewhere (WAL, backups).
/// The storage key (see <see cref="SessionKeyFile.StorageIdOf"/>) is made with the schema and kept in store_meta.
/// </summary>
internal sealed class PostgresKeys(NpgsqlDataSource source)
{
    private const int KeySize = 32;
    private byte[] _storageKey = [];

    /// <summary>Reads (or, in a new database, makes) the storage key.</summary>
    public void Load()
    {
        using var make = source.CreateCommand("INSERT INTO store_meta (name, value) VALUES ('storage-key', $1) ON CONFLICT (name) DO NOTHING");
        make.Parameters.Add(new NpgsqlParameter { Value = RandomNumberGenerator.GetBytes(KeySize) });
        make.ExecuteNonQuery();
        using var read = source.CreateCommand("SELECT value FROM store_meta WHERE name = 'storage-key'");
        _storageKey = (byte[])read.ExecuteScalar()!;
    }

    public string StorageId(string sessionId) => SessionKeyFile.StorageIdOf(_storageKey, sessionId);

    public SessionKeys? Find(string sid)
    {
        var command = source.CreateCommand("SELECT content, identifiers FROM session_keys WHERE sid = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = sid });
        return PostgresReads.All(source, command, r => Read(r, 0)).FirstOrDefault();
    }

    /// <summary>The keys in columns <paramref name="at"/> (content) and <paramref name="at"/>+1 (identifiers) of a row.</summary>
    public static SessionKeys Read(NpgsqlDataReader reader, int at) =>
        new(reader.GetFieldValue<byte[]>(at), reader.IsDBNull(at + 1) ? null : reader.GetFieldValue<byte[]>(at + 1));

    /// <summary>Makes both keys of a new session (committed before they are used); a session that has keys keeps them.</summary>
    public SessionKeys Create(string sid)
    {
        using var command = source.CreateCommand(
            "INSERT INTO session_keys (sid, content, identifiers) VALUES ($1, $2, $3) ON CONFLICT (sid) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = sid });
        command.Parameters.Add(new NpgsqlParameter { Value = RandomNumberGenerator.GetBytes(KeySize) });
        command.Parameters.Add(new NpgsqlParameter { Value = RandomNumberGenerator.GetBytes(KeySize) });
        command.ExecuteNonQuery();
        return Find(sid) ?? throw new WriteRefusedException("the session's keys were destroyed as they were made (erased meanwhile)");
    }

    /// <summary>
    /// Prunes deleted key rows from the table (outside any transaction: VACUUM refuses to run in one).
    /// A row still visible to a transaction open elsewhere stays until the next VACUUM after it ends.
    /// </summary>
    public void Vacuum()
    {
        using var command = source.CreateCommand("VACUUM session_keys");
        command.ExecuteNonQuery();
    }

    /// <summary>Keys made for a session that was never stored (its start failed or crashed), older than an hour so no start under way loses them.</summary>
    public int DropUnused()
    {
        using var command = source.CreateCommand(
            "DELETE FROM session_keys k WHERE k.created_at < now() - interval '1 hour' AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.sid = k.sid)");
        return command.ExecuteNonQuery();
    }
}
