namespace PluginHost.Storage.PostgreSql;

/// <summary>The SQL of one store, built once from its (checked, quoted) table names.</summary>
internal sealed class StorageStatements
{
    /// <summary>The HA lock's row: Vault's lock key.</summary>
    public const string LockKey = "core/lock";

    /// <param name="table">The entries' table, quoted.</param>
    /// <param name="haTable">The HA lock's table, quoted, when writes are fenced by the lock; else <see langword="null"/>.</param>
    /// <param name="changes">The channel fenced writes notify the other nodes on (<see cref="PostgresChangeFeed"/>).</param>
    public StorageStatements(string table, string? haTable, string changes)
    {
        Table = table;
        HaTable = haTable;
        Get = $"SELECT value FROM {table} WHERE path = $1 AND key = $2";

        // A folder's keys, then its sub-folders: the first segment below it of every path under it.
        List = $"""
            SELECT key FROM {table} WHERE path = $1
            UNION ALL
            SELECT DISTINCT substring(substr(path, length($1) + 1) from '^[^/]*/') FROM {table} WHERE parent_path >= $1 AND parent_path < $2
            """;
        const string Upsert = "ON CONFLICT (path, key) DO UPDATE SET parent_path = EXCLUDED.parent_path, value = EXCLUDED.value";
        if (haTable is null)
        {
            Put = $"INSERT INTO {table} (parent_path, path, key, value) VALUES ($1, $2, $3, $4) {Upsert}";
            Delete = $"DELETE FROM {table} WHERE path = $1 AND key = $2";
            return;
        }

        // Fenced: the write happens only while this node's identity holds an unexpired lock, and it holds the lock
        // row FOR SHARE until it commits, so a takeover (an UPDATE of that row) waits for it: no write of a node
        // commits after another node took the lock. The answer says whether the fence let the write through.
        // Each notifies the other nodes with "<identity> <key>" (path "/a/b/" + key "c" is "a/b/c"), sent at commit.
        Put = $"""
            {Fence(haTable, "$5")},
            written AS (INSERT INTO {table} (parent_path, path, key, value) SELECT $1, $2, $3, $4 FROM fence {Upsert})
            {Notify(changes, "$5", "$2", "$3")}
            """;
        Delete = $"""
            {Fence(haTable, "$3")},
            gone AS (DELETE FROM {table} WHERE path = $1 AND key = $2 AND EXISTS (SELECT 1 FROM fence))
            {Notify(changes, "$3", "$1", "$2")}
            """;
    }

    /// <summary>The entries' table, quoted.</summary>
    public string Table { get; }

    /// <summary>The lock's table, quoted, when writes are fenced.</summary>
    public string? HaTable { get; }

    /// <summary>$1 path, $2 key → value.</summary>
    public string Get { get; }

    /// <summary>$1 the folder's path, $2 the end of the paths below it → names (folders end with '/').</summary>
    public string List { get; }

    /// <summary>$1 parent path, $2 path, $3 key, $4 value[, $5 identity] → unfenced: rows written; fenced: 1 when the fence let it through, else 0.</summary>
    public string Put { get; }

    /// <summary>$1 path, $2 key[, $3 identity] → unfenced: rows deleted; fenced: 1 when the fence let it through, else 0.</summary>
    public string Delete { get; }

    // Counts the fence's row (1: written), notifying once for it; nothing is notified when the fence kept the write out.
    private static string Notify(string channel, string identity, string path, string key) =>
        $"SELECT count(*) FROM fence, LATERAL pg_notify('{channel}', {identity} || ' ' || substr({path}, 2) || {key}) AS notified";

    private static string Fence(string haTable, string identity) =>
        $"WITH fence AS (SELECT 1 FROM {haTable} WHERE ha_key = '{LockKey}' AND ha_identity = {identity} AND valid_until > now() FOR SHARE)";

    /// <summary>Create the entries' table in Vault's layout, and its index on the parent folder.</summary>
    public string[] CreateTable =>
    [
        $"""
        CREATE TABLE {Table} (
          parent_path TEXT COLLATE "C" NOT NULL,
          path        TEXT COLLATE "C",
          key         TEXT COLLATE "C",
          value       BYTEA,
          PRIMARY KEY (path, key)
        )
        """,
        $"CREATE INDEX ON {Table} (parent_path)",
    ];

    /// <summary>Create the HA lock's table in Vault's layout.</summary>
    public static string[] CreateHaTable(string haTable) =>
    [
        $"""
        CREATE TABLE {haTable} (
          ha_key      TEXT COLLATE "C" NOT NULL PRIMARY KEY,
          ha_identity TEXT COLLATE "C" NOT NULL,
          ha_value    TEXT COLLATE "C",
          valid_until TIMESTAMP WITH TIME ZONE NOT NULL
        )
        """,
    ];
}
