using Npgsql;
using PluginHost.Storage.PostgreSql;
using PluginHost.Tests.Postgres;

namespace PluginHost.IntegrationTests.PostgreSqlStorage;

/// <summary>
/// One real PostgreSQL cluster for every storage test class, started by the first that needs it and stopped when the
/// assembly's tests end; each store gets a table of its own, so tests never see each other's keys.
/// </summary>
internal static class StorageCluster
{
    private static readonly Lock Gate = new();
    private static Task<PostgresCluster>? s_cluster;

    /// <summary>The cluster, started on first use.</summary>
    public static Task<PostgresCluster> GetAsync()
    {
        lock (Gate)
        {
            return s_cluster ??= PostgresCluster.StartAsync(CancellationToken.None);
        }
    }

    /// <summary>A pooled connection string for the superuser (the cluster's own one is unpooled).</summary>
    public static string PooledConnectionString(this PostgresCluster cluster, string? user = null, string? password = null) =>
        new NpgsqlConnectionStringBuilder(cluster.ConnectionString(user, password)) { Pooling = true }.ConnectionString;

    /// <summary>Settings for a store in a new table of its own (<c>kv_…</c>, with <c>locks_…</c> for its HA lock).</summary>
    public static PostgresStorageOptions NewTable(this PostgresCluster cluster, bool haEnabled = false)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        return new PostgresStorageOptions
        {
            ConnectionUrl = cluster.PooledConnectionString(),
            Table = "kv_" + suffix,
            HaTable = "locks_" + suffix,
            HaEnabled = haEnabled,
        };
    }

    /// <summary>Stops the cluster if a test started it.</summary>
    public static async Task DisposeAsync()
    {
        if (s_cluster is { IsCompletedSuccessfully: true } started)
        {
            await (await started).DisposeAsync();
        }
    }
}
