using Microsoft.Extensions.Options;
using PluginHost.Catalog;
using PluginHost.Database;
using PluginHost.Leases;
using PluginHost.Mounts;
using PluginHost.Runtime;

namespace PluginHost.DatabaseEngine;

/// <summary>The host's side of <see cref="IDatabaseEngineHost"/>: the catalog's database plugins in the process pool, mount tuning, and the lease store.</summary>
internal sealed class HostDatabaseServices(
    Func<PluginCatalog> catalog, Func<PluginProcessPool> processes, Func<MountTable> mounts, Func<ExpirationManager> leases, IOptionsMonitor<PluginHostOptions> options) : IDatabaseEngineHost
{
    public async ValueTask<IDatabase> OpenAsync(string pluginName, string? pluginVersion, string connection, CancellationToken cancellationToken)
    {
        var entry = await catalog().ResolveAsync(BackendType.Database, pluginName, pluginVersion, cancellationToken).ConfigureAwait(false);
        if (entry.Builtin)
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"database plugin '{pluginName}' is a builtin; this host runs database plugins only as external processes");
        }

        return await processes().CreateDatabaseAsync(entry, connection, cancellationToken).ConfigureAwait(false);
    }

    public (TimeSpan Default, TimeSpan Max) LeaseTtls(string mountPoint) =>
        (mounts().Routes.TryMatch(mountPoint, out var mount) ? mount.Entry.Config : new MountConfig()).LeaseTtls(options.CurrentValue);

    public async ValueTask<IReadOnlyList<string>> LiveLeasesAsync(string prefix, string connection, CancellationToken cancellationToken)
    {
        var live = new List<string>();
        await foreach (var lease in leases().LeasesUnderAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            if (lease.InternalData is { } data && data.TryGetValue("db_name", out var db)
                && db.ValueKind == System.Text.Json.JsonValueKind.String && db.GetString() == connection)
            {
                live.Add(lease.LeaseId);
            }
        }

        return live;
    }
}
