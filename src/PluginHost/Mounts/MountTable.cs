using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Catalog;
using PluginHost.Hosting;
using PluginHost.Routing;
using PluginHost.Runtime;
using PluginHost.Storage;

namespace PluginHost.Mounts;

/// <summary>
/// The secrets engines and auth methods mounted in a host: enable, disable, move, tune and list them, with Vault's
/// path rules. Every change is persisted before it takes effect and published as a new routing snapshot.
/// </summary>
/// <remarks>Changes are serialized; requests never wait for them except on the mount being changed, which drains first.</remarks>
public sealed partial class MountTable : IAsyncDisposable
{
    private readonly IStorage _storage;
    private readonly PluginCatalog _catalog;
    private readonly BackendActivator _activator;
    private readonly MountStore _store;
    private readonly IOptionsMonitor<PluginHostOptions> _options;
    private readonly ILogger<MountTable> _logger;
    private readonly SemaphoreSlim _changes = new(1, 1);
    private readonly Lock _restoreGate = new();
    private volatile RouteTable _routes = RouteTable.Empty;
    private Task? _restore;
    private bool _disposed;

    internal MountTable(
        IStorage storage,
        PluginCatalog catalog,
        BackendActivator activator,
        IOptionsMonitor<PluginHostOptions> options,
        ILogger<MountTable> logger)
    {
        _storage = storage;
        _catalog = catalog;
        _activator = activator;
        _store = new MountStore(storage);
        _options = options;
        _logger = logger;
        _catalog.Changed += OnCatalogChanged;
    }

    /// <summary>The current routing snapshot.</summary>
    internal RouteTable Routes => _routes;

    /// <summary>Lists the mounts of one table, or of both, sorted by route path.</summary>
    /// <param name="table"><see cref="BackendType.Secret"/>, <see cref="BackendType.Auth"/>, or <see langword="null"/> for both.</param>
    /// <param name="cancellationToken">Cancels waiting for the mount tables to be loaded.</param>
    /// <returns>The mount entries.</returns>
    public async Task<IReadOnlyList<MountEntry>> ListAsync(BackendType? table = null, CancellationToken cancellationToken = default)
    {
        await EnsureRestoredAsync(cancellationToken).ConfigureAwait(false);
        return List(table);
    }

    /// <summary>Returns the mount at <paramref name="path"/> in <paramref name="table"/>, or <see langword="null"/>.</summary>
    /// <param name="table">The mount table.</param>
    /// <param name="path">The path within the table (<c>secret</c>, <c>userpass/</c>).</param>
    /// <param name="cancellationToken">Cancels waiting for the mount tables to be loaded.</param>
    /// <returns>The entry, or <see langword="null"/>.</returns>
    public async Task<MountEntry?> GetAsync(BackendType table, string path, CancellationToken cancellationToken = default)
    {
        await EnsureRestoredAsync(cancellationToken).ConfigureAwait(false);
        return Find(table, path)?.Entry;
    }

    /// <summary>Says why a mount's backend is not running (its plugin failed to start or left the catalog), or <see langword="null"/>.</summary>
    /// <param name="table">The mount table.</param>
    /// <param name="path">The path within the table.</param>
    /// <param name="cancellationToken">Cancels waiting for the mount tables to be loaded.</param>
    /// <returns>The reason, or <see langword="null"/> when the backend runs, has not been needed yet, or there is no such mount.</returns>
    public async Task<string?> GetUnavailableReasonAsync(BackendType table, string path, CancellationToken cancellationToken = default)
    {
        await EnsureRestoredAsync(cancellationToken).ConfigureAwait(false);
        return Find(table, path)?.UnavailableReason;
    }

    /// <summary>
    /// Loads the persisted mount tables and starts their backends, once. Every other member calls it first, so
    /// calling it is only needed to restore eagerly (at application start) rather than on first use.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting; the restore itself goes on for other callers.</param>
    /// <returns>A task that completes when the mounts are restored.</returns>
    /// <exception cref="PluginHostException">The stored mount table cannot be read; the next call tries again.</exception>
    public Task EnsureRestoredAsync(CancellationToken cancellationToken = default)
    {
        var restore = Volatile.Read(ref _restore);
        if (restore is null || restore.IsFaulted || restore.IsCanceled)
        {
            lock (_restoreGate)
            {
                if (_restore is null || _restore.IsFaulted || _restore.IsCanceled)
                {
                    _restore = RestoreAsync();
                }

                restore = _restore;
            }
        }

        return restore.IsCompletedSuccessfully ? restore : restore.WaitAsync(cancellationToken);
    }

    private MountEntry[] List(BackendType? table) =>
        _routes.Mounts.Select(m => m.Entry).Where(e => table is null || e.Table == table).ToArray();

    /// <summary>Mounts a plugin: resolves it in the catalog, starts and sets up its backend, persists the mount, then routes to it.</summary>
    /// <param name="request">What to mount and where.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>The new mount.</returns>
    /// <exception cref="PluginHostException">
    /// The path is invalid, reserved or in use; the plugin is unknown, of the wrong type, or fails to start; or storage failed.
    /// Nothing is changed in any of these cases.
    /// </exception>
    public async Task<MountEntry> EnableAsync(MountRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await EnsureRestoredAsync(cancellationToken).ConfigureAwait(false);
        EnsureMountable(request.Type);
        if (string.IsNullOrWhiteSpace(request.Plugin))
        {
            throw new PluginHostException(ErrorCode.BadRequest, "plugin name is empty; name a plugin from the catalog, such as 'kv'");
        }

        var path = MountPaths.Sanitize(string.IsNullOrEmpty(request.Path) ? request.Plugin : request.Path);
        MountPaths.EnsureNotReserved(request.Type, path);

        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var entry = new MountEntry
            {
                Table = request.Type,
                Path = path,
                PluginName = request.Plugin,
                PluginVersion = string.IsNullOrEmpty(request.PluginVersion) ? null : request.PluginVersion,
                Description = request.Description ?? "",
                Uuid = Guid.NewGuid().ToString(),
                Accessor = NewAccessor(request.Plugin),
                Config = request.Config ?? new MountConfig(),
            };
            EnsureFree(entry.RoutePath, except: null);

            var backend = await _activator.ActivateAsync(entry, cancellationToken).ConfigureAwait(false);
            try
            {
                await _store.SaveAsync(entry.Table, List(entry.Table).Append(entry), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await CleanupQuietlyAsync(backend, entry).ConfigureAwait(false);
                throw;
            }

            var state = NewState(entry);
            state.Swap(backend, null);
            _routes = _routes.With(state);
            LogEnabled(entry.RoutePath, entry.PluginName, entry.Table, entry.Uuid);
            return entry;
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Unmounts: refuses new requests, drains the ones in flight, cleans the backend up, persists, and deletes the mount's data.</summary>
    /// <param name="table">The mount table.</param>
    /// <param name="path">The path within the table. A path with no mount succeeds, as in Vault.</param>
    /// <param name="cancellationToken">Cancels waiting for the change lock.</param>
    /// <returns>A task that completes when the mount is gone.</returns>
    public async Task DisableAsync(BackendType table, string path, CancellationToken cancellationToken = default)
    {
        await EnsureRestoredAsync(cancellationToken).ConfigureAwait(false);
        EnsureMountable(table);
        var routePath = RoutePathOf(table, MountPaths.Sanitize(path));
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_routes.Find(routePath) is not { } state)
            {
                return;
            }

            await CloseAsync(state, "being disabled").ConfigureAwait(false);
            try
            {
                await _store.SaveAsync(table, List(table).Where(e => e.RoutePath != routePath), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                state.Reopen();
                throw;
            }

            _routes = _routes.Without(routePath);
            await DeleteDataAsync(state.Entry).ConfigureAwait(false);
            LogDisabled(routePath, state.Entry.Uuid);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Moves a mount to another path within its table, keeping its uuid, accessor and data.</summary>
    /// <param name="from">The current route path (<c>secret/</c>, or <c>auth/userpass/</c> for an auth method).</param>
    /// <param name="to">The new route path, in the same table.</param>
    /// <param name="cancellationToken">Cancels waiting for the change lock.</param>
    /// <returns>The moved mount.</returns>
    /// <exception cref="PluginHostException">No mount at <paramref name="from"/>, or <paramref name="to"/> is invalid, reserved, in use, or in the other table.</exception>
    public async Task<MountEntry> RemountAsync(string from, string to, CancellationToken cancellationToken = default)
    {
        await EnsureRestoredAsync(cancellationToken).ConfigureAwait(false);
        var (fromTable, fromPath) = SplitRoutePath(from);
        var (toTable, toPath) = SplitRoutePath(to);
        if (fromTable != toTable)
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"cannot move {from} to {to}: secrets engines stay outside auth/ and auth methods stay under auth/");
        }

        MountPaths.EnsureNotReserved(toTable, toPath);
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var state = _routes.Find(RoutePathOf(fromTable, fromPath))
                ?? throw new PluginHostException(ErrorCode.BadRequest, $"no matching mount at \"{RoutePathOf(fromTable, fromPath)}\"");
            var moved = state.Entry with { Path = toPath };
            if (moved.RoutePath == state.Entry.RoutePath)
            {
                return moved;
            }

            EnsureFree(moved.RoutePath, except: state.Entry.RoutePath);
            await CloseAsync(state, $"being moved to {moved.RoutePath}").ConfigureAwait(false);
            try
            {
                var entries = List(fromTable).Where(e => e.RoutePath != state.Entry.RoutePath).Append(moved);
                await _store.SaveAsync(fromTable, entries, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                state.Reopen();
                throw;
            }

            var successor = NewState(moved);
            _routes = _routes.Without(state.Entry.RoutePath).With(successor);
            LogMoved(state.Entry.RoutePath, moved.RoutePath, moved.Uuid);
            await StartQuietlyAsync(successor, cancellationToken).ConfigureAwait(false);
            return moved;
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Changes a mount's description, TTLs, options or pinned version. Option and version changes restart the backend without downtime.</summary>
    /// <param name="table">The mount table.</param>
    /// <param name="path">The path within the table.</param>
    /// <param name="tuning">What to change.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>The tuned mount.</returns>
    /// <exception cref="PluginHostException">No mount at the path, a bad TTL, or the restarted backend failed (nothing is changed then).</exception>
    public async Task<MountEntry> TuneAsync(BackendType table, string path, MountTuning tuning, CancellationToken cancellationToken = default)
    {
        await EnsureRestoredAsync(cancellationToken).ConfigureAwait(false);
        ArgumentNullException.ThrowIfNull(tuning);
        EnsureMountable(table);
        var routePath = RoutePathOf(table, MountPaths.Sanitize(path));
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var state = _routes.Find(routePath)
                ?? throw new PluginHostException(ErrorCode.BadRequest, $"no mount at \"{routePath}\"; list mounts to see their paths");
            var current = state.Entry;
            var tuned = Apply(current, tuning);
            var restart = !tuned.Config.Options.OrderBy(o => o.Key).SequenceEqual(current.Config.Options.OrderBy(o => o.Key))
                || tuned.PluginVersion != current.PluginVersion;

            // Start the new backend before changing anything, so a failure leaves the mount as it was.
            var backend = restart ? await _activator.ActivateAsync(tuned, cancellationToken).ConfigureAwait(false) : null;
            try
            {
                var entries = List(table).Where(e => e.RoutePath != routePath).Append(tuned);
                await _store.SaveAsync(table, entries, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                if (backend is not null)
                {
                    await CleanupQuietlyAsync(backend, tuned).ConfigureAwait(false);
                }

                throw;
            }

            state.Entry = tuned;
            if (backend is not null)
            {
                await DrainAndCleanupAsync(state.Swap(backend, null), tuned).ConfigureAwait(false);
            }

            LogTuned(routePath, restart);
            return tuned;
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Stops every backend: refuses new requests, drains, and cleans up. Mounts stay persisted.</summary>
    /// <returns>A task that completes when every backend is cleaned up.</returns>
    public async ValueTask DisposeAsync()
    {
        await _changes.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _catalog.Changed -= OnCatalogChanged;
            await Task.WhenAll(_routes.Mounts.Select(m => CloseAsync(m, "shutting down"))).ConfigureAwait(false);
        }
        finally
        {
            _changes.Release();
        }
    }

    // Loads both mount tables and starts their backends; a backend that fails is logged and kept unavailable.
    private async Task RestoreAsync()
    {
        var cancellationToken = CancellationToken.None;
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var entries = (await _store.LoadAsync(BackendType.Secret, cancellationToken).ConfigureAwait(false))
                .Concat(await _store.LoadAsync(BackendType.Auth, cancellationToken).ConfigureAwait(false));
            var states = entries.Select(NewState).ToArray();
            _routes = RouteTable.Create(states);
            var unavailable = 0;
            foreach (var state in states)
            {
                await StartQuietlyAsync(state, cancellationToken).ConfigureAwait(false);
                unavailable += state.IsRunning ? 0 : 1;
            }

            LogRestored(states.Length, unavailable);
        }
        finally
        {
            _changes.Release();
        }
    }

    private MountState NewState(MountEntry entry) => new(entry, _activator.ActivateAsync);

    private MountState? Find(BackendType table, string path) =>
        _routes.Find(RoutePathOf(table, MountPaths.Sanitize(path)));

    private void EnsureFree(string routePath, string? except)
    {
        // Enable and move are rare: a scan is fine here, unlike on the request path.
        foreach (var mount in _routes.Mounts)
        {
            var existing = mount.Entry.RoutePath;
            if (existing != except && MountPaths.Overlap(existing, routePath))
            {
                throw new PluginHostException(ErrorCode.BadRequest, $"path is already in use at {existing}");
            }
        }
    }

    private async Task StartQuietlyAsync(MountState state, CancellationToken cancellationToken)
    {
        await state.StartQuietlyAsync(cancellationToken).ConfigureAwait(false);
        if (!state.IsRunning)
        {
            LogUnavailable(state.Entry.RoutePath, state.Entry.PluginName, state.UnavailableReason);
        }
    }

    private async Task CloseAsync(MountState state, string reason) =>
        await DrainAndCleanupAsync(state.Close(reason), state.Entry).ConfigureAwait(false);

    private async Task DrainAndCleanupAsync(BackendLease? lease, MountEntry entry)
    {
        if (lease is null)
        {
            return;
        }

        var drainTimeout = _options.CurrentValue.DrainTimeout;
        if (!await lease.DrainAsync(drainTimeout).ConfigureAwait(false))
        {
            LogDrainTimedOut(entry.RoutePath, lease.InFlight, drainTimeout.TotalSeconds);
        }

        await CleanupQuietlyAsync(lease.Backend, entry).ConfigureAwait(false);
    }

    private async Task CleanupQuietlyAsync(IBackend backend, MountEntry entry)
    {
        try
        {
            await backend.CleanupAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The mount is going away either way; a failing cleanup must not stop that.
            LogCleanupFailed(ex, entry.RoutePath);
        }
    }

    private async Task DeleteDataAsync(MountEntry entry)
    {
        try
        {
            await new StorageView(_storage, entry.StoragePrefix).DeleteAllAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The mount is already gone from the table; its uuid is never reused, so leftovers are unreachable, not leaked.
            LogDataDeleteFailed(ex, entry.RoutePath, entry.StoragePrefix);
        }
    }

    private void OnCatalogChanged(object? sender, CatalogChangedEventArgs e)
    {
        if (e.Kind != CatalogChangeKind.Deregistered)
        {
            return;
        }

        foreach (var mount in _routes.Mounts)
        {
            if (mount.Entry.Table == e.Type && mount.Entry.PluginName == e.Name)
            {
                // Swap synchronously so the very next request sees the change; drain the old backend in the background.
                var old = mount.Swap(null, $"plugin '{e.Name}' was deregistered from the catalog; register it again or disable the mount");
                _ = DrainAndCleanupAsync(old, mount.Entry);
                LogPluginDeregistered(mount.Entry.RoutePath, e.Name);
            }
        }
    }

    private static MountEntry Apply(MountEntry entry, MountTuning tuning)
    {
        if (tuning.DefaultLeaseTtl < TimeSpan.Zero || tuning.MaxLeaseTtl < TimeSpan.Zero)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "lease TTLs cannot be negative");
        }

        var options = new Dictionary<string, string>(entry.Config.Options, StringComparer.Ordinal);
        foreach (var (key, value) in tuning.Options ?? new Dictionary<string, string>())
        {
            if (value.Length == 0)
            {
                options.Remove(key);
            }
            else
            {
                options[key] = value;
            }
        }

        var config = new MountConfig
        {
            DefaultLeaseTtl = tuning.DefaultLeaseTtl ?? entry.Config.DefaultLeaseTtl,
            MaxLeaseTtl = tuning.MaxLeaseTtl ?? entry.Config.MaxLeaseTtl,
            Options = options,
        };
        if (config.MaxLeaseTtl > TimeSpan.Zero && config.DefaultLeaseTtl > config.MaxLeaseTtl)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "default lease TTL cannot be greater than the max lease TTL");
        }

        return entry with
        {
            Description = tuning.Description ?? entry.Description,
            PluginVersion = tuning.PluginVersion is null ? entry.PluginVersion : tuning.PluginVersion.Length == 0 ? null : tuning.PluginVersion,
            Config = config,
        };
    }

    private string NewAccessor(string pluginName)
    {
        while (true)
        {
            var accessor = $"{pluginName}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
            if (_routes.Mounts.All(m => m.Entry.Accessor != accessor))
            {
                return accessor;
            }
        }
    }

    private static void EnsureMountable(BackendType table)
    {
        if (table is not (BackendType.Secret or BackendType.Auth))
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"cannot mount a plugin of type '{table.ToName()}'; only secret and auth plugins can be mounted");
        }
    }

    private static string RoutePathOf(BackendType table, string path) =>
        table == BackendType.Auth ? MountPaths.AuthPrefix + path : path;

    private static (BackendType Table, string Path) SplitRoutePath(string routePath)
    {
        var sanitized = MountPaths.Sanitize(routePath);
        return sanitized.StartsWith(MountPaths.AuthPrefix, StringComparison.Ordinal)
            ? (BackendType.Auth, MountPaths.Sanitize(sanitized[MountPaths.AuthPrefix.Length..]))
            : (BackendType.Secret, sanitized);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Enabled {MountPath} ({Plugin}, {Table}) with uuid {Uuid}")]
    private partial void LogEnabled(string mountPath, string plugin, BackendType table, string uuid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Disabled {MountPath} and deleted the data of {Uuid}")]
    private partial void LogDisabled(string mountPath, string uuid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {From} to {To} (uuid {Uuid}); data kept")]
    private partial void LogMoved(string from, string to, string uuid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tuned {MountPath} (backend restarted: {Restarted})")]
    private partial void LogTuned(string mountPath, bool restarted);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored {Count} mounts ({Unavailable} unavailable)")]
    private partial void LogRestored(int count, int unavailable);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mount {MountPath} is unavailable: plugin {Plugin} could not start: {Reason}")]
    private partial void LogUnavailable(string mountPath, string plugin, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mount {MountPath}: {InFlight} requests still running after the {DrainSeconds}s drain timeout; cleaning up anyway")]
    private partial void LogDrainTimedOut(string mountPath, int inFlight, double drainSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cleanup of the backend at {MountPath} failed")]
    private partial void LogCleanupFailed(Exception exception, string mountPath);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mount {MountPath} is disabled, but deleting its data under {StoragePrefix} failed; the data is unreachable and can be removed by hand")]
    private partial void LogDataDeleteFailed(Exception exception, string mountPath, string storagePrefix);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plugin {Plugin} was deregistered; mount {MountPath} is kept and its requests fail until the plugin is registered again")]
    private partial void LogPluginDeregistered(string mountPath, string plugin);
}
