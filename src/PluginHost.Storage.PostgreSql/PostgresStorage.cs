using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace PluginHost.Storage.PostgreSql;

/// <summary>
/// An <see cref="IStorage"/> in a PostgreSQL table, in Vault's layout (<c>vault_kv_store(parent_path, path, key,
/// value)</c>, <c>COLLATE "C"</c>, an index on <c>parent_path</c>), so several hosts can share one store. The tables
/// are created on first use; connections are pooled (at most <see cref="PostgresStorageOptions.MaxParallel"/>); a call
/// that fails transiently is tried again, up to <see cref="PostgresStorageOptions.MaxAttempts"/> times in all.
/// </summary>
/// <remarks>
/// Listing a folder is one query over an index range. Every write is idempotent (an upsert, a delete), which is what
/// makes retrying it safe. With <see cref="PostgresStorageOptions.HaEnabled"/>, this instance is one node's: it has
/// an HA lock of its own (<see cref="Lock"/>), and a write commits only while that lock is this node's.
/// </remarks>
/// <example>
/// <code>
/// await using var storage = new PostgresStorage(new PostgresStorageOptions { ConnectionUrl = "postgres://vault:pw@db/vault" });
/// await storage.PutAsync(new StorageEntry("core/mounts", json));
/// </code>
/// </example>
public sealed partial class PostgresStorage : IHighAvailabilityStorage, INamedStorage, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _source;
    private readonly StorageStatements _sql;
    private readonly TransientRetry _retry;
    private readonly ILogger _logger;
    private readonly PostgresHaLock? _lock;
    private readonly PostgresChangeFeed? _changes;
    private readonly Lock _schemaGate = new();
    private Task? _schema;
    private volatile bool _schemaReady;

    /// <summary>Checks the settings and prepares the connection pool; nothing connects until the first call.</summary>
    /// <param name="options">Where the database is and how to use it.</param>
    /// <param name="loggerFactory">Receives retries and the tables' creation; optional.</param>
    /// <exception cref="ArgumentException">The connection URL or a table name is invalid, or a count is out of range; the message says which and why.</exception>
    public PostgresStorage(PostgresStorageOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxParallel, 1, nameof(options.MaxParallel));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1, nameof(options.MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.HaLockTtl, TimeSpan.FromSeconds(1), nameof(options.HaLockTtl));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChangeFeedFullCheckInterval, TimeSpan.FromSeconds(1), nameof(options.ChangeFeedFullCheckInterval));
        var loggers = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = loggers.CreateLogger<PostgresStorage>();
        var table = SqlIdentifier.Quote(options.Table, "table");
        var haTable = options.HaEnabled ? SqlIdentifier.Quote(options.HaTable, "ha_table") : null;
        if (haTable == table)
        {
            throw new ArgumentException($"table and ha_table are both \"{options.Table}\"; give the HA lock a table of its own", nameof(options));
        }

        var settings = PostgresConnection.Settings(options.ConnectionUrl);
        settings.MaxPoolSize = options.MaxParallel;
        _source = new NpgsqlDataSourceBuilder(settings.ConnectionString).UseLoggerFactory(loggers).Build();
        _sql = new StorageStatements(table, haTable, PostgresChangeFeed.ChannelFor(table));
        _retry = new TransientRetry(options.MaxAttempts, _logger);
        if (haTable is not null)
        {
            _lock = new PostgresHaLock(settings, haTable, options.HaLockTtl, EnsureSchemaAsync, _retry);
            _changes = new PostgresChangeFeed(settings, table, _lock.Identity, options.ChangeFeedFullCheckInterval, loggers.CreateLogger<PostgresChangeFeed>());
        }
    }

    /// <inheritdoc/>
    public bool HaEnabled => _lock is not null;

    /// <inheritdoc/>
    public string StorageType => "postgresql";

    /// <inheritdoc/>
    public IHaLock Lock => _lock ?? throw new InvalidOperationException("this PostgreSQL storage has no HA lock: set HaEnabled (ha_enabled = \"true\") to share it between hosts");

    /// <inheritdoc/>
    public IStorageChangeFeed Changes => _changes ?? throw new InvalidOperationException("this PostgreSQL storage is not shared, so it has no change feed: set HaEnabled (ha_enabled = \"true\") to share it between hosts");

    /// <inheritdoc/>
    public ValueTask<StorageEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        var (_, path, name) = KeyLayout.Split(key);
        return _retry.RunAsync(
            new StorageCall("read", key),
            async token =>
            {
                await using var command = await CommandAsync(_sql.Get, token).ConfigureAwait(false);
                command.Parameters.Add(Text(path));
                command.Parameters.Add(Text(name));
                return await command.ExecuteScalarAsync(token).ConfigureAwait(false) switch
                {
                    byte[] value => new StorageEntry(key, value),
                    DBNull => new StorageEntry(key, []),
                    _ => null,
                };
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="PluginHostException">Unavailable: the HA lock is not this node's (<see cref="PostgresStorageOptions.HaEnabled"/>), or the database stayed unreachable.</exception>
    public async ValueTask PutAsync(StorageEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        StorageKey.Validate(entry.Key);
        ArgumentNullException.ThrowIfNull(entry.Value);
        var (parentPath, path, name) = KeyLayout.Split(entry.Key);
        var written = await _retry.RunAsync(
            new StorageCall("write", entry.Key),
            async token =>
            {
                await using var command = await CommandAsync(_sql.Put, token).ConfigureAwait(false);
                command.Parameters.Add(Text(parentPath));
                command.Parameters.Add(Text(path));
                command.Parameters.Add(Text(name));
                command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = entry.Value });
                if (!AddFenceIdentity(command))
                {
                    return (long)await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                }

                return (long)(await command.ExecuteScalarAsync(token).ConfigureAwait(false))!;
            },
            cancellationToken).ConfigureAwait(false);
        EnsureNotFenced(written, "write", entry.Key);
    }

    /// <inheritdoc/>
    /// <exception cref="PluginHostException">Unavailable: the HA lock is not this node's (<see cref="PostgresStorageOptions.HaEnabled"/>), or the database stayed unreachable.</exception>
    public async ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        var (_, path, name) = KeyLayout.Split(key);
        var passed = await _retry.RunAsync(
            new StorageCall("delete", key),
            async token =>
            {
                await using var command = await CommandAsync(_sql.Delete, token).ConfigureAwait(false);
                command.Parameters.Add(Text(path));
                command.Parameters.Add(Text(name));
                if (!AddFenceIdentity(command))
                {
                    await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                    return 1L;
                }

                return (long)(await command.ExecuteScalarAsync(token).ConfigureAwait(false))!;
            },
            cancellationToken).ConfigureAwait(false);
        EnsureNotFenced(passed, "delete", key);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var folder = StorageKey.NormalizePrefix(prefix);
        var (path, pathsBelowEnd) = KeyLayout.Folder(folder);
        return _retry.RunAsync<IReadOnlyList<string>>(
            new StorageCall("list", folder),
            async token =>
            {
                await using var command = await CommandAsync(_sql.List, token).ConfigureAwait(false);
                command.Parameters.Add(Text(path));
                command.Parameters.Add(Text(pathsBelowEnd));
                var names = new List<string>();
                await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                while (await reader.ReadAsync(token).ConfigureAwait(false))
                {
                    names.Add(reader.GetString(0));
                }

                // Byte order in the database is not .NET's ordinal order beyond the BMP: sort here.
                names.Sort(StringComparer.Ordinal);
                return names;
            },
            cancellationToken);
    }

    /// <summary>Closes the pools' connections.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_changes is not null)
        {
            await _changes.DisposeAsync().ConfigureAwait(false);
        }

        if (_lock is not null)
        {
            await _lock.DisposeAsync().ConfigureAwait(false);
        }

        await _source.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Closes the pools' connections.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private bool AddFenceIdentity(NpgsqlCommand command)
    {
        if (_sql.HaTable is null)
        {
            return false;
        }

        command.Parameters.Add(Text(_lock!.Identity));
        return true;
    }

    private void EnsureNotFenced(long passed, string verb, string key)
    {
        if (passed == 0 && _sql.HaTable is not null)
        {
            throw new PluginHostException(
                ErrorCode.Unavailable,
                $"PostgreSQL storage did not {verb} '{key}': this node does not hold the HA lock (another node is active, or this one lost the lock), so it may not write; send the request to the active node");
        }
    }

    private async ValueTask<NpgsqlCommand> CommandAsync(string sql, CancellationToken cancellationToken)
    {
        if (!_schemaReady)
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        }

        return _source.CreateCommand(sql);
    }

    private Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        Task schema;
        lock (_schemaGate)
        {
            // A failure is not kept: the next call tries again.
            if (_schema is null || _schema.IsFaulted || _schema.IsCanceled)
            {
                _schema = CreateSchemaAsync();
            }

            schema = _schema;
        }

        return schema.WaitAsync(cancellationToken);
    }

    private async Task CreateSchemaAsync()
    {
        await using var connection = await _source.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);

        // Hosts starting together would race CREATE TABLE (a unique violation in the catalog): one at a time.
        await using (var serialize = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SchemaLockId})", connection, transaction))
        {
            await serialize.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await CreateIfMissingAsync(connection, transaction, _sql.Table, _sql.CreateTable).ConfigureAwait(false);
        if (_sql.HaTable is { } haTable)
        {
            await CreateIfMissingAsync(connection, transaction, haTable, StorageStatements.CreateHaTable(haTable)).ConfigureAwait(false);
        }

        await transaction.CommitAsync().ConfigureAwait(false);
        _schemaReady = true;
    }

    // Tables a DBA created beforehand are used as they are: creating needs CREATE on the schema, which the user may lack.
    private async Task CreateIfMissingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, string[] create)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection, transaction);
        exists.Parameters.Add(Text(table));
        if ((bool)(await exists.ExecuteScalarAsync().ConfigureAwait(false))!)
        {
            return;
        }

        foreach (var statement in create)
        {
            await using var command = new NpgsqlCommand(statement, connection, transaction);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        LogCreatedTable(_logger, table);
    }

    private static NpgsqlParameter<string> Text(string value) => new() { TypedValue = value };

    // "pluginhost" in ASCII: the advisory lock id the hosts serialize creating the tables with.
    private const long SchemaLockId = 0x706c7567696e686f;

    [LoggerMessage(Level = LogLevel.Information, Message = "created the table {Table}")]
    private static partial void LogCreatedTable(ILogger logger, string table);
}
