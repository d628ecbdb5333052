using Microsoft.Extensions.Logging;
using PluginHost.Catalog;
using PluginHost.Runtime;

namespace PluginHost.Mounts;

/// <summary>
/// Keeps mounts in step with the catalog: when a plugin is deregistered, the mounts running it are blocked at
/// once (their requests fail with a clear reason, and they never fall back to another entry of that name); when
/// it is registered again, they may start at once.
/// </summary>
internal sealed class CatalogMountWatcher : IDisposable
{
    private readonly PluginCatalog _catalog;
    private readonly Func<IReadOnlyList<MountState>> _mounts;
    private readonly BackendRetirement _retirement;
    private readonly ILogger _logger;
    private int _deregistrations;

    public CatalogMountWatcher(PluginCatalog catalog, Func<IReadOnlyList<MountState>> mounts, BackendRetirement retirement, ILogger logger)
    {
        _catalog = catalog;
        _mounts = mounts;
        _retirement = retirement;
        _logger = logger;
        _catalog.Changed += OnCatalogChanged;
    }

    /// <summary>A counter of deregistrations; take it before resolving a plugin and pass it to <see cref="RecheckAsync"/>.</summary>
    public int Deregistrations => Volatile.Read(ref _deregistrations);

    /// <summary>
    /// Blocks <paramref name="state"/> when a deregistration happened since <paramref name="deregistrationsBefore"/>
    /// and removed the plugin it now runs: enable and tune resolve before they publish, so the event missed it.
    /// </summary>
    public async Task RecheckAsync(MountState state, int deregistrationsBefore)
    {
        // Pairs with the increment in OnCatalogChanged: publish the state, then look at the counter.
        Interlocked.MemoryBarrier();
        if (Deregistrations == deregistrationsBefore || state.RunningPlugin is not { Builtin: false } running)
        {
            return;
        }

        var stillRegistered = (await _catalog.ListAsync(running.Type).ConfigureAwait(false))
            .Any(p => !p.Builtin && p.Name == running.Name && p.Version == running.Version && p.Sha256 == running.Sha256);
        if (!stillRegistered)
        {
            Block(state, running.Name, running.Version);
        }
    }

    public void Dispose() => _catalog.Changed -= OnCatalogChanged;

    private void OnCatalogChanged(object? sender, CatalogChangedEventArgs e)
    {
        if (e.Kind == CatalogChangeKind.Registered)
        {
            foreach (var mount in _mounts().Where(m => m.Entry.Table == e.Type && m.Entry.PluginName == e.Name))
            {
                mount.Unblock();
            }

            return;
        }

        Interlocked.Increment(ref _deregistrations);
        foreach (var mount in _mounts().Where(m => UsesDeregistered(m, e)))
        {
            Block(mount, e.Name, e.Version);
        }
    }

    private void Block(MountState mount, string plugin, string? version)
    {
        // Synchronously, so the very next request sees it; the old backend drains in the background.
        var reason = $"plugin '{plugin}'{(version is null ? "" : $" version {version}")} was deregistered from the catalog; register it again or disable the mount";
        _retirement.RetireInBackground(mount.Block(reason), mount.Entry.RoutePath);
        MountTableLog.PluginDeregistered(_logger, mount.Entry.RoutePath, plugin);
    }

    private static bool UsesDeregistered(MountState mount, CatalogChangedEventArgs e)
    {
        if (mount.Entry.Table != e.Type || mount.Entry.PluginName != e.Name)
        {
            return false;
        }

        // A running mount is affected only when it runs exactly the entry that left; an idle one when it could have resolved to it.
        return mount.RunningPlugin is { } running
            ? !running.Builtin && running.Version == e.Version
            : e.Version is null || mount.Entry.PluginVersion == e.Version;
    }
}
