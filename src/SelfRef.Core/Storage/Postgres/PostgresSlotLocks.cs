using System.Collections.Concurrent;
using Npgsql;

namespace SelfRef.Core.Storage.Postgres;

/// <summary>
/// An experiment's assignment slots held against every instance on the database: a session-level
/// advisory lock on a connection of its own, let go when the holder is done or when the connection
/// ends (an instance killed while holding it holds nothing). Within one process the callers queue
/// on a semaphore first, so that waiting callers do not each hold a pooled connection in
/// <c>pg_advisory_lock</c> while the holder needs one to read the slots.
/// </summary>
internal sealed class PostgresSlotLocks(NpgsqlDataSource source)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _inProcess = new(StringComparer.Ordinal);

    public async Task<IAsyncDisposable> Lock(string experimentId)
    {
        var gate = _inProcess.GetOrAdd(experimentId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        NpgsqlConnection? connection = null;
        try
        {
            connection = await source.OpenConnectionAsync();
            await using (var command = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended($1, 0))", connection))
            {
                command.Parameters.AddWithValue(Key(experimentId));
                await command.ExecuteNonQueryAsync();
            }
            return new Held(connection, gate, Key(experimentId));
        }
        catch
        {
            if (connection is not null) await connection.DisposeAsync();
            gate.Release();
            throw;
        }
    }

    // One key space per program: "selfref-slots:" keeps SelfRef's locks apart from another program's on the same database.
    private static string Key(string experimentId) => "selfref-slots:" + experimentId;

    private sealed class Held(NpgsqlConnection connection, SemaphoreSlim gate, string key) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            try
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended($1, 0))", connection);
                command.Parameters.AddWithValue(key);
                await command.ExecuteNonQueryAsync();
            }
            catch (NpgsqlException) { /* a broken connection holds no lock any more */ }
            finally
            {
                await connection.DisposeAsync();
                gate.Release();
            }
        }
    }
}
