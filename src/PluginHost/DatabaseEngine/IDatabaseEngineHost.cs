
namespace PluginHost.DatabaseEngine;

/// <summary>
/// What the <c>database</c> engine needs from the host it runs in (Vault's system view): database plugins from the
/// catalog, the mount's lease TTLs, and the leases it issued that are still live.
/// </summary>
internal interface IDatabaseEngineHost
{
    /// <summary>Starts (or joins) the process of the catalog's database plugin and returns a new, uninitialized database instance in it.</summary>
    /// <param name="pluginName">The plugin's name in the catalog's <c>database</c> table.</param>
    /// <param name="pluginVersion">The version asked for, or <see langword="null"/>.</param>
    /// <param name="connection">The connection's name, for the plugin's log lines.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    ValueTask<PluginHost.Database.IDatabase> OpenAsync(string pluginName, string? pluginVersion, string connection, CancellationToken cancellationToken);

    /// <summary>The mount's default and maximum lease TTL (its tuning, else the host's).</summary>
    /// <param name="mountPoint">The mount's path with its trailing <c>/</c>.</param>
    (TimeSpan Default, TimeSpan Max) LeaseTtls(string mountPoint);

    /// <summary>The ids of the live leases issued under <paramref name="prefix"/> whose internal data names <paramref name="connection"/> as <c>db_name</c>.</summary>
    /// <param name="prefix">A request-path prefix, such as <c>database/creds/</c>.</param>
    /// <param name="connection">The connection's name.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    ValueTask<IReadOnlyList<string>> LiveLeasesAsync(string prefix, string connection, CancellationToken cancellationToken);
}
