using Microsoft.Data.Sqlite;

namespace PbsPocketIdWizard.Web.Persistence;

/// <summary>The tables of wizard.db, created when missing; a database of an earlier version gains the revision columns.</summary>
internal static class WizardDatabaseSchema
{
    public static async Task EnsureAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = """
                CREATE TABLE IF NOT EXISTS runs (
                    run_id TEXT PRIMARY KEY,
                    started_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    completed INTEGER NOT NULL,
                    undone INTEGER NOT NULL,
                    abandoned INTEGER NOT NULL,
                    state_json TEXT NOT NULL,
                    revision INTEGER NOT NULL DEFAULT 0,
                    writer_id TEXT);
                CREATE TABLE IF NOT EXISTS journal (
                    run_id TEXT NOT NULL REFERENCES runs (run_id),
                    seq INTEGER NOT NULL,
                    at TEXT NOT NULL,
                    step TEXT NOT NULL,
                    action TEXT NOT NULL,
                    resource TEXT NOT NULL,
                    resource_id TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    detail TEXT,
                    PRIMARY KEY (run_id, seq));
                CREATE TABLE IF NOT EXISTS secrets (
                    run_id TEXT NOT NULL REFERENCES runs (run_id),
                    field TEXT NOT NULL,
                    protected_value TEXT NOT NULL,
                    PRIMARY KEY (run_id, field));
                """;
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using (var info = connection.CreateCommand())
        {
            info.CommandText = "SELECT name FROM pragma_table_info('runs')";
            await using var reader = await info.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                columns.Add(reader.GetString(0));
            }
        }

        foreach (var (column, definition) in new[] { ("revision", "INTEGER NOT NULL DEFAULT 0"), ("writer_id", "TEXT") })
        {
            if (!columns.Contains(column))
            {
                await using var alter = connection.CreateCommand();
                alter.CommandText = $"ALTER TABLE runs ADD COLUMN {column} {definition}";
                await alter.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }
}
