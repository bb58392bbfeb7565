using Npgsql;

namespace SelfRef.Core.Storage.Postgres;

/// <summary>
/// Rows of a query. A read runs on a pooled connection; one that died while idle (the server
/// restarted, a proxy closed it) fails the first use after: then the pool's idle connections are
/// dropped and the read runs once more on a new one. A write never runs twice: the writer's
/// commands belong to its transaction (see PostgresTransactions for what it does on a lost connection).
/// </summary>
internal static class PostgresReads
{
    /// <param name="command">a command of <paramref name="source"/> (not of a transaction: it may run twice).</param>
    public static List<T> All<T>(NpgsqlDataSource source, NpgsqlCommand command, Func<NpgsqlDataReader, T> row)
    {
        using (command)
        {
            try { return Run(command, row); }
            catch (NpgsqlException e) when (ConnectionLost(e))
            {
                source.Clear();
                return Run(command, row);
            }
        }
    }

    /// <summary>The connection broke or the server ended it (admin shutdown, crash, restart), rather than the statement failing.</summary>
    public static bool ConnectionLost(NpgsqlException e) => e is not PostgresException postgres || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal);

    /// <summary>The rows of a command run once (the writer's, in its transaction).</summary>
    public static List<T> Rows<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> row)
    {
        using (command) return Run(command, row);
    }

    private static List<T> Run<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> row)
    {
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(row(reader));
        return rows;
    }
}
