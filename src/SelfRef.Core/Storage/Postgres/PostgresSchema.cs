using System.Text.RegularExpressions;
using Npgsql;

namespace SelfRef.Core.Storage.Postgres;

/// <summary>
/// Creates and migrates the store's tables: the "-- migration N" sections of Schema.sql (embedded),
/// each run once in order in one transaction with its schema_version row. Instances starting at
/// once take an advisory lock, so one migrates and the others find it done.
/// </summary>
public static partial class PostgresSchema
{
    // An arbitrary constant naming SelfRef's migration lock among the database's advisory locks.
    private const long MigrationLock = 0x5E1F_4EF0_0001;

    /// <summary>The migrations in order: (number, SQL).</summary>
    public static IReadOnlyList<(int Version, string Sql)> Migrations { get; } = Parse(ReadScript());

    public static int Latest => Migrations[^1].Version;

    /// <summary>Brings the database to the latest version; returns the versions it applied.</summary>
    /// <exception cref="InvalidDataException">the database was written by a newer SelfRef.</exception>
    public static IReadOnlyList<int> Migrate(NpgsqlConnection connection)
    {
        Execute(connection, $"SELECT pg_advisory_lock({MigrationLock})");
        try
        {
            Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
            using var read = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_version", connection);
            var current = Convert.ToInt32(read.ExecuteScalar());
            if (current > Latest)
                throw new InvalidDataException($"the database has schema version {current}, newer than this SelfRef knows ({Latest}); start the newer SelfRef");
            var applied = new List<int>();
            foreach (var (version, sql) in Migrations.Where(m => m.Version > current))
            {
                using var transaction = connection.BeginTransaction();
                Execute(connection, sql, transaction);
                using var record = new NpgsqlCommand("INSERT INTO schema_version (version) VALUES ($1)", connection, transaction);
                record.Parameters.Add(new NpgsqlParameter { Value = version });
                record.ExecuteNonQuery();
                transaction.Commit();
                applied.Add(version);
            }
            return applied;
        }
        finally { Execute(connection, $"SELECT pg_advisory_unlock({MigrationLock})"); }
    }

    private static void Execute(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }

    private static string ReadScript()
    {
        using var stream = typeof(PostgresSchema).Assembly.GetManifestResourceStream("SelfRef.Core.Storage.Postgres.Schema.sql")
            ?? throw new InvalidOperationException("Schema.sql is not embedded in SelfRef.Core");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^-- migration (\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex MigrationHeader();

    /// <exception cref="InvalidDataException">the sections are not numbered 1, 2, 3 … in order.</exception>
    internal static IReadOnlyList<(int Version, string Sql)> Parse(string script)
    {
        var headers = MigrationHeader().Matches(script);
        var migrations = new List<(int, string)>();
        for (var i = 0; i < headers.Count; i++)
        {
            var version = int.Parse(headers[i].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (version != i + 1) throw new InvalidDataException($"Schema.sql: migration {version} where {i + 1} was expected");
            var start = headers[i].Index + headers[i].Length;
            var end = i + 1 < headers.Count ? headers[i + 1].Index : script.Length;
            migrations.Add((version, script[start..end].Trim()));
        }
        if (migrations.Count == 0) throw new InvalidDataException("Schema.sql holds no migration");
        return migrations;
    }
}
