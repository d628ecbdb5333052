namespace PluginHost.Storage.PostgreSql;

/// <summary>The settings of <see cref="PostgresStorage"/>: Vault's <c>storage "postgresql"</c> stanza.</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>Vault's default name of the table entries are kept in.</summary>
    public const string DefaultTable = "vault_kv_store";

    /// <summary>Vault's default name of the table the HA lock is kept in.</summary>
    public const string DefaultHaTable = "vault_ha_locks";

    /// <summary>
    /// Where the database is: a libpq URL (<c>postgres://user:password@host:5432/db?sslmode=require</c>, Vault's
    /// <c>connection_url</c>) or an Npgsql keyword string (<c>Host=…;Username=…;Password=…;Database=…</c>).
    /// </summary>
    public string ConnectionUrl { get; set; } = "";

    /// <summary>The table entries are kept in, created on first use (Vault's <c>table</c>); a plain identifier.</summary>
    public string Table { get; set; } = DefaultTable;

    /// <summary>Whether several hosts share this storage with one active node holding the HA lock (Vault's <c>ha_enabled</c>).</summary>
    public bool HaEnabled { get; set; }

    /// <summary>The table the HA lock is kept in, created on first use (Vault's <c>ha_table</c>); a plain identifier.</summary>
    public string HaTable { get; set; } = DefaultHaTable;

    /// <summary>
    /// How long the HA lock stays a node's after it was taken or renewed (Vault's 15 s); the active node renews it
    /// every third of that, and a standby takes it over once it has expired. At least one second.
    /// </summary>
    public TimeSpan HaLockTtl { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The most connections open at once (Vault's <c>max_parallel</c>, default 128): the pool's size.</summary>
    public int MaxParallel { get; set; } = 128;

    /// <summary>
    /// How many times a call that failed transiently (a dropped connection, a server restarting, a serialization
    /// failure) is tried in all before its error is returned; 1 never retries. Every call retried is idempotent.
    /// </summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// With <see cref="HaEnabled"/>: how often a node re-reads what it keeps from the store (a standby's keyring) even
    /// when no other node's write was announced (30 s); notifications can be missed while the listening connection is
    /// down, after which everything is re-read at once anyway. At least one second.
    /// </summary>
    public TimeSpan ChangeFeedFullCheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}
