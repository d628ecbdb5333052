using Microsoft.Extensions.Logging;
using PluginHost.Activation;
using PluginHost.Catalog;

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
    private readonly Lock _gate = new();
    private int _deregistrations;
    private bool _disposed;

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

        bool stillRegistered;
        try
        {
            stillRegistered = await IsRegisteredAsync(running.Type, running.Name, running.Version).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The change is already saved; when the catalog cannot be read, refusing to serve is the safe side.
            MountTableLog.CatalogRecheckFailed(_logger, ex, state.Entry.RoutePath);
            stillRegistered = false;
        }

        if (!stillRegistered)
        {
            lock (_gate)
            {
                Block(state, running.Name, running.Version);
            }
        }
    }

    /// <summary>Stops watching; after it returns, no event handler is running or will run.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _catalog.Changed -= OnCatalogChanged;
        }
    }

    private void OnCatalogChanged(object? sender, CatalogChangedEventArgs e)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var mounts = _mounts().Where(m => m.Entry.Table == e.Type && m.Entry.PluginName == e.Name).ToArray();
            if (e.Kind == CatalogChangeKind.Registered)
            {
                foreach (var mount in mounts)
                {
                    mount.Unblock();
                }

                return;
            }

            Interlocked.Increment(ref _deregistrations);
            foreach (var mount in mounts)
            {
                if (UsesDeregistered(mount, e))
                {
                    Block(mount, e.Name, e.Version);
                }
                else if (!mount.IsRunning)
                {
                    // A start under way may have resolved the entry that just left: make it resolve again.
                    mount.Invalidate();
                }
            }
        }
    }

    // Called under _gate.
    private void Block(MountState mount, string plugin, string? version)
    {
        // Synchronously, so the very next request sees it; the old backend drains in the background.
        var reason = $"plugin '{plugin}'{(version is null ? "" : $" version {version}")} was deregistered from the catalog; register it again or disable the mount";
        _retirement.RetireInBackground(mount.Block(reason), mount.Entry.RoutePath);
        MountTableLog.PluginDeregistered(_logger, mount.Entry.RoutePath, plugin);

        // Catalog events are raised outside the catalog's lock, so a registration can overtake this deregistration's
        // event: look again, and lift the block when the plugin is back.
        _retirement.TrackInBackground(UnblockIfRegisteredAsync(mount, plugin, version));
    }

    private async Task UnblockIfRegisteredAsync(MountState mount, string plugin, string? version)
    {
        try
        {
            if (await IsRegisteredAsync(mount.Entry.Table, plugin, version).ConfigureAwait(false))
            {
                mount.Unblock();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            MountTableLog.CatalogRecheckFailed(_logger, ex, mount.Entry.RoutePath);
        }
    }

    private async Task<bool> IsRegisteredAsync(BackendType type, string name, string? version) =>
        (await _catalog.ListAsync(type).ConfigureAwait(false)).Any(p => !p.Builtin && p.Name == name && p.Version == version);

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
