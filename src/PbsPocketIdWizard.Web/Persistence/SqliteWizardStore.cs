using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using PbsPocketIdWizard.Core.Wizard;
using Secret = PbsPocketIdWizard.Core.Security.Secret;

namespace PbsPocketIdWizard.Web.Persistence;

/// <summary>
/// Runs, their journals and their secrets in SQLite under the data directory (wizard.db). The state JSON holds secret
/// references only; each secret is one row, encrypted with ASP.NET Core Data Protection (keys in {DataDirectory}/keys).
/// Every save is one transaction, so a crash never leaves half a record. Several writers (browser tabs, the command
/// line in another process) may hold the same run: each save checks the stored revision first
/// (<see cref="StoredRunVersion.NextRevisionFor"/>), the journal is only appended to, and deleted rows are overwritten
/// on disk (secure_delete), with a vacuum when a run's secrets are wiped.
/// </summary>
public sealed class SqliteWizardStore : IWizardStateStore
{
    public const string DatabaseFileName = "wizard.db";

    private const string ProtectorPurpose = "PbsPocketIdWizard.WizardSecrets.v1";

    private readonly string _connectionString;
    private readonly IDataProtector _protector;
    private readonly TimeProvider _time;
    private readonly ILogger<SqliteWizardStore> _logger;
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Dictionary<(Guid RunId, Guid WriterId), long> _committedVersions = [];
    private long _version;
    private bool _schemaReady;

    public SqliteWizardStore(WizardDataDirectory dataDirectory, IDataProtectionProvider dataProtection, TimeProvider time, ILogger<SqliteWizardStore> logger)
    {
        dataDirectory.EnsureExists();
        DatabasePath = Path.Combine(dataDirectory.Path, DatabaseFileName);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // No pooled handles left open on the file: the CLI exits right after, tests delete their directories.
            Pooling = false,
        }.ToString();
        _protector = dataProtection.CreateProtector(ProtectorPurpose);
        _time = time;
        _logger = logger;
    }

    public string DatabasePath { get; }

    public async Task<WizardState?> LoadActiveAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var runId = await ScalarAsync(connection, null,
            "SELECT run_id FROM runs WHERE completed = 0 AND undone = 0 AND abandoned = 0 ORDER BY started_at DESC, updated_at DESC LIMIT 1",
            cancellationToken);
        return runId is string id ? await LoadAsync(connection, Guid.Parse(id), cancellationToken) : null;
    }

    public async Task<WizardState?> LoadAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await LoadAsync(connection, runId, cancellationToken);
    }

    public async Task<IReadOnlyList<WizardState>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var ids = new List<Guid>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT run_id FROM runs ORDER BY started_at DESC, updated_at DESC";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(Guid.Parse(reader.GetString(0)));
            }
        }

        var runs = new List<WizardState>();
        foreach (var id in ids)
        {
            if (await LoadAsync(connection, id, cancellationToken) is { } state)
            {
                runs.Add(state);
            }
        }

        return runs;
    }

    public async Task<StoredRunVersion?> VersionOfAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ReadVersionAsync(connection, null, runId.ToString(), cancellationToken);
    }

    public async Task SaveAsync(WizardState state, CancellationToken cancellationToken)
    {
        // The snapshot is taken now, synchronously, so the caller may go on changing the state. Saves can come from
        // the session and from a step's journal in one flow; an older snapshot must never overwrite a newer one.
        var vault = SecretVault.ForWriting();
        var json = JsonSerializer.Serialize(state, vault.CreateOptions());
        // What the write needs besides the JSON: identity, flags, revision and the journal as they are now.
        var snapshot = new WizardState
        {
            RunId = state.RunId, StartedAt = state.StartedAt, Completed = state.Completed, Undone = state.Undone,
            Abandoned = state.Abandoned, Revision = state.Revision, WriterId = state.WriterId, Journal = state.Journal.ToList(),
        };
        var version = Interlocked.Increment(ref _version);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            // Only this copy's own older snapshots are skipped; another copy's save goes to the revision check.
            var key = (state.RunId, state.WriterId);
            if (_committedVersions.TryGetValue(key, out var committed) && committed > version)
            {
                return;
            }

            await WriteAsync(snapshot, json, vault, cancellationToken);
            _committedVersions[key] = version;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task WriteAsync(WizardState snapshot, string json, SecretVault vault, CancellationToken cancellationToken)
    {
        var runId = snapshot.RunId.ToString();
        var journal = snapshot.Journal;
        await using var connection = await OpenAsync(cancellationToken);
        // BEGIN IMMEDIATE (the default here): the revision is read under the write lock, so another process cannot
        // slip a save in between the check and the write.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);

        var stored = await ReadVersionAsync(connection, transaction, runId, cancellationToken);
        var revision = StoredRunVersion.NextRevisionFor(stored, snapshot);

        await ExecuteAsync(connection, transaction, """
            INSERT INTO runs (run_id, started_at, updated_at, completed, undone, abandoned, state_json, revision, writer_id)
            VALUES ($run, $started, $updated, $completed, $undone, $abandoned, $json, $revision, $writer)
            ON CONFLICT (run_id) DO UPDATE SET updated_at = $updated, completed = $completed, undone = $undone,
                abandoned = $abandoned, state_json = $json, revision = $revision, writer_id = $writer
            """, cancellationToken,
            ("$run", runId), ("$started", Timestamp(snapshot.StartedAt)), ("$updated", Timestamp(_time.GetUtcNow())),
            ("$completed", snapshot.Completed), ("$undone", snapshot.Undone), ("$abandoned", snapshot.Abandoned), ("$json", json),
            ("$revision", revision), ("$writer", snapshot.WriterId.ToString()));

        // Append-only: entries already stored are never rewritten or removed (another writer's lines stay for undo).
        for (var seq = stored?.JournalCount ?? 0; seq < journal.Count; seq++)
        {
            var entry = journal[seq];
            await ExecuteAsync(connection, transaction, """
                INSERT INTO journal (run_id, seq, at, step, action, resource, resource_id, outcome, detail)
                VALUES ($run, $seq, $at, $step, $action, $resource, $resourceId, $outcome, $detail)
                """, cancellationToken,
                ("$run", runId), ("$seq", seq), ("$at", Timestamp(entry.At)), ("$step", entry.Step.ToString()),
                ("$action", entry.Action), ("$resource", entry.Resource.ToString()), ("$resourceId", entry.ResourceId),
                ("$outcome", entry.Outcome.ToString()), ("$detail", entry.Detail));
        }

        await ExecuteAsync(connection, transaction, "DELETE FROM secrets WHERE run_id = $run", cancellationToken, ("$run", runId));
        // A run that ended keeps no secret, even when the copy saving it still holds some (the CLI's undo does).
        foreach (var (field, secret) in snapshot.IsActive ? vault.Collected : new Dictionary<string, Secret>())
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO secrets (run_id, field, protected_value) VALUES ($run, $field, $value)",
                cancellationToken, ("$run", runId), ("$field", field), ("$value", _protector.Protect(secret.Reveal())));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Deletes the run's secret rows (secure_delete zeroes their pages) and vacuums, so no freed page, journal or
    /// earlier encryption of a secret stays in wizard.db.
    /// </summary>
    public async Task WipeSecretsAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, null, "DELETE FROM secrets WHERE run_id = $run", cancellationToken, ("$run", runId.ToString()));
        await ExecuteAsync(connection, null, "VACUUM", cancellationToken);
    }

    private static async Task<StoredRunVersion?> ReadVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, string runId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, """
            SELECT revision, writer_id, completed OR undone OR abandoned,
                (SELECT COUNT(*) FROM journal WHERE journal.run_id = runs.run_id)
            FROM runs WHERE run_id = $run
            """, [("$run", runId)]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var writer = reader.IsDBNull(1) ? Guid.Empty : Guid.Parse(reader.GetString(1));
        return new StoredRunVersion(reader.GetInt64(0), writer, reader.GetBoolean(2), reader.GetInt32(3));
    }

    private async Task<WizardState?> LoadAsync(SqliteConnection connection, Guid runId, CancellationToken cancellationToken)
    {
        var run = runId.ToString();
        string json;
        long revision;
        await using (var command = Command(connection, null, "SELECT state_json, revision FROM runs WHERE run_id = $run", [("$run", run)]))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            json = reader.GetString(0);
            revision = reader.GetInt64(1);
        }

        var secrets = new Dictionary<string, Secret>(StringComparer.Ordinal);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT field, protected_value FROM secrets WHERE run_id = $run";
            command.Parameters.AddWithValue("$run", run);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var field = reader.GetString(0);
                try
                {
                    secrets[field] = new Secret(_protector.Unprotect(reader.GetString(1)));
                }
                catch (CryptographicException)
                {
                    // Keys lost or replaced: the secret is unusable; the wizard asks for it again.
                    _logger.LogWarning("The stored secret {Field} of run {WizardRunId} cannot be decrypted (Data Protection keys changed); it must be entered again", field, runId);
                }
            }
        }

        var state = JsonSerializer.Deserialize<WizardState>(json, SecretVault.ForReading(secrets).CreateOptions())
            ?? throw new InvalidDataException($"Run {runId} has an empty state.");
        state.Revision = revision;
        state.WriterId = Guid.NewGuid();

        state.Journal.Clear();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT at, step, action, resource, resource_id, outcome, detail FROM journal WHERE run_id = $run ORDER BY seq";
            command.Parameters.AddWithValue("$run", run);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                state.Journal.Add(new JournalEntry(
                    DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                    Enum.Parse<WizardStepId>(reader.GetString(1)),
                    reader.GetString(2),
                    Enum.Parse<ResourceKind>(reader.GetString(3)),
                    reader.GetString(4),
                    Enum.Parse<JournalOutcome>(reader.GetString(5)),
                    reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }

        return state;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (!_schemaReady)
        {
            // Owner-only before SQLite first opens it (SQLite gives its journal files the database file's mode).
            WizardDataDirectory.EnsurePrivateFile(DatabasePath);
        }

        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // Per connection: deleted rows (earlier encryptions of a secret, wiped secrets) are overwritten with zeros.
        await ExecuteAsync(connection, null, "PRAGMA secure_delete = ON", cancellationToken);
        if (!_schemaReady)
        {
            await _schemaLock.WaitAsync(cancellationToken);
            try
            {
                if (!_schemaReady)
                {
                    await WizardDatabaseSchema.EnsureAsync(connection, cancellationToken);
                    _schemaReady = true;
                }
            }
            finally
            {
                _schemaLock.Release();
            }
        }

        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static string Timestamp(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
