using System.Diagnostics;
using Npgsql;

namespace SelfRef.Core.Storage.Postgres;

/// <summary>
/// The writer's own connection and the transaction of its group. A connection lost between groups
/// is found and replaced as the next group begins; one lost within a group fails the write that met
/// it (its sender resends) and is replaced when the group is applied again (PostgreSQL aborted the
/// open transaction with it, so a rollback has nothing to undo); a database that stays unreachable for
/// <c>reconnectWithin</c> makes <see cref="Begin"/> throw, which stops the writer for good (the
/// store's Failed: the server exits with 75 to be restarted). A commit whose answer is lost is not
/// retried: whether it was stored cannot be known, so it too stops the writer.
/// </summary>
internal sealed class PostgresTransactions(NpgsqlDataSource source, TimeSpan reconnectWithin) : IGroupTransactions, IDisposable
{
    private NpgsqlConnection? _connection;
    private NpgsqlTransaction? _transaction;
    private bool _connectedBefore;

    /// <summary>Connections opened after the first one (a lost connection replaced).</summary>
    public int Reconnects { get; private set; }

    public NpgsqlCommand Command(string sql)
    {
        if (_transaction is null) throw new InvalidOperationException("no group is open");
        return new NpgsqlCommand(sql, _connection, _transaction);
    }

    /// <summary>
    /// Opens the group's transaction and sends it (BEGIN with a trivial statement, one round trip):
    /// a connection that died since the last group is found here and replaced, so no write of the
    /// group meets it.
    /// </summary>
    public void Begin()
    {
        if (_connection is not { FullState: System.Data.ConnectionState.Open }) Connect();
        try { Open(); }
        catch (Exception e) when (e is NpgsqlException n && PostgresReads.ConnectionLost(n) || e is InvalidOperationException)
        {
            Connect();
            Open();
        }
    }

    private void Open()
    {
        _transaction = _connection!.BeginTransaction();
        using var probe = new NpgsqlCommand("SELECT 1", _connection, _transaction);
        probe.ExecuteNonQuery();
    }

    public void Commit()
    {
        var transaction = _transaction ?? throw new InvalidOperationException("no group is open");
        _transaction = null;
        transaction.Commit();
        transaction.Dispose();
    }

    public void Rollback()
    {
        var transaction = _transaction;
        _transaction = null;
        if (transaction is null) return;
        if (_connection is not { FullState: System.Data.ConnectionState.Open })
        {
            // The connection broke: the server rolled the transaction back when it lost it.
            Drop();
            return;
        }
        transaction.Rollback();
        transaction.Dispose();
    }

    private void Connect()
    {
        Drop();
        var clock = Stopwatch.StartNew();
        var wait = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                _connection = source.OpenConnection();
                if (_connectedBefore) Reconnects++;
                _connectedBefore = true;
                return;
            }
            catch (NpgsqlException) when (clock.Elapsed + wait < reconnectWithin)
            {
                Thread.Sleep(wait);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
        }
    }

    private void Drop()
    {
        try { _connection?.Dispose(); } catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException) { /* already broken */ }
        _connection = null;
    }

    public void Dispose()
    {
        _transaction = null;
        Drop();
    }
}
