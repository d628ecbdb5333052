using Npgsql;

namespace PluginHost.Storage.PostgreSql;

/// <summary>
/// Vault's PostgreSQL HA lock: one row of <c>vault_ha_locks</c> (identity, value, <c>valid_until</c>), taken only when
/// free, expired or already this node's, and renewed only where the identity is this node's. Every time is the
/// database's <c>now()</c>, so the nodes' clocks never have to agree. It has a small pool of its own: a renewal must
/// not wait behind the storage's busy connections.
/// </summary>
internal sealed class PostgresHaLock : IHaLock, IAsyncDisposable
{
    private readonly NpgsqlDataSource _source;
    private readonly Func<CancellationToken, Task> _ensureTables;
    private readonly TransientRetry _retry;
    private readonly string _acquire;
    private readonly string _renew;
    private readonly string _release;
    private readonly string _holder;
    private readonly string _heartbeat;
    private readonly string _nodes;

    /// <param name="settings">The storage's connection settings; the lock's pool is built from a copy.</param>
    /// <param name="haTable">The lock's table, quoted.</param>
    /// <param name="ttl">How long a taking or a renewal holds the lock.</param>
    /// <param name="ensureTables">Creates the tables if missing, before the first call.</param>
    /// <param name="retry">Retries transient failures.</param>
    public PostgresHaLock(NpgsqlConnectionStringBuilder settings, string haTable, TimeSpan ttl, Func<CancellationToken, Task> ensureTables, TransientRetry retry)
    {
        var own = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { MaxPoolSize = 2, MinPoolSize = 0 };
        _source = NpgsqlDataSource.Create(own);
        _ensureTables = ensureTables;
        _retry = retry;
        Ttl = ttl;
        const string Row = $"ha_key = '{StorageStatements.LockKey}'";
        _acquire = $"""
            INSERT INTO {haTable} (ha_key, ha_identity, ha_value, valid_until) VALUES ('{StorageStatements.LockKey}', $1, $2, now() + $3)
            ON CONFLICT (ha_key) DO UPDATE SET ha_identity = EXCLUDED.ha_identity, ha_value = EXCLUDED.ha_value, valid_until = EXCLUDED.valid_until
            WHERE {haTable}.valid_until < now() OR {haTable}.ha_identity = EXCLUDED.ha_identity
            """;
        _renew = $"UPDATE {haTable} SET valid_until = now() + $2 WHERE {Row} AND ha_identity = $1";
        _release = $"DELETE FROM {haTable} WHERE {Row} AND ha_identity = $1";
        _holder = $"SELECT ha_identity, ha_value FROM {haTable} WHERE {Row} AND valid_until > now()";

        // Nodes' heartbeats are rows of their own beside the lock ('node/<identity>'); a node gone an hour is forgotten.
        _heartbeat = $"""
            WITH forgotten AS (DELETE FROM {haTable} WHERE ha_key LIKE 'node/%' AND valid_until < now() - interval '1 hour')
            INSERT INTO {haTable} (ha_key, ha_identity, ha_value, valid_until) VALUES ('node/' || $1, $1, $2, now() + $3)
            ON CONFLICT (ha_key) DO UPDATE SET ha_value = EXCLUDED.ha_value, valid_until = EXCLUDED.valid_until
            """;
        _nodes = $"SELECT ha_identity, ha_value, valid_until - $1 FROM {haTable} WHERE ha_key LIKE 'node/%' AND valid_until > now() ORDER BY ha_identity";
    }

    public string Identity { get; } = Guid.NewGuid().ToString();

    public TimeSpan Ttl { get; }

    public async ValueTask<bool> TryAcquireAsync(string value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        return await ExecuteAsync("take the HA lock", _acquire, [Identity, value, Ttl], cancellationToken).ConfigureAwait(false) == 1;
    }

    public async ValueTask<bool> RenewAsync(CancellationToken cancellationToken) =>
        await ExecuteAsync("renew the HA lock", _renew, [Identity, Ttl], cancellationToken).ConfigureAwait(false) == 1;

    public async ValueTask ReleaseAsync(CancellationToken cancellationToken) =>
        await ExecuteAsync("release the HA lock", _release, [Identity], cancellationToken).ConfigureAwait(false);

    public async ValueTask HeartbeatAsync(string value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        await ExecuteAsync("record this node's heartbeat", _heartbeat, [Identity, value, Ttl], cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<IReadOnlyList<HaNodeEntry>> ReadNodesAsync(CancellationToken cancellationToken) =>
        _retry.RunAsync<IReadOnlyList<HaNodeEntry>>(
            new StorageCall("read the HA nodes"),
            async token =>
            {
                await _ensureTables(token).ConfigureAwait(false);
                await using var command = _source.CreateCommand(_nodes);
                command.Parameters.Add(new NpgsqlParameter { Value = Ttl });
                await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                var nodes = new List<HaNodeEntry>();
                while (await reader.ReadAsync(token).ConfigureAwait(false))
                {
                    nodes.Add(new HaNodeEntry(reader.GetString(0), reader.IsDBNull(1) ? "" : reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
                }

                return nodes;
            },
            cancellationToken);

    public ValueTask<HaLockHolder?> ReadHolderAsync(CancellationToken cancellationToken) =>
        _retry.RunAsync(
            new StorageCall("read the HA lock"),
            async token =>
            {
                await _ensureTables(token).ConfigureAwait(false);
                await using var command = _source.CreateCommand(_holder);
                await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
                return await reader.ReadAsync(token).ConfigureAwait(false)
                    ? new HaLockHolder(reader.GetString(0), reader.IsDBNull(1) ? "" : reader.GetString(1))
                    : null;
            },
            cancellationToken);

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    private ValueTask<int> ExecuteAsync(string verb, string sql, object[] parameters, CancellationToken cancellationToken) =>
        _retry.RunAsync(
            new StorageCall(verb),
            async token =>
            {
                await _ensureTables(token).ConfigureAwait(false);
                await using var command = _source.CreateCommand(sql);
                foreach (var parameter in parameters)
                {
                    command.Parameters.Add(new NpgsqlParameter { Value = parameter });
                }

                return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            },
            cancellationToken);
}
