using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PluginHost.Activation;
using PluginHost.Catalog;
using PluginHost.Runtime;
using PluginHost.Storage;

using System.Diagnostics.Metrics;
using PluginHost.Telemetry;

namespace PluginHost.Mounts;

/// <summary>
/// The secrets engines and auth methods mounted in a host: enable, disable, move, tune and list them, with Vault's
/// path rules. Every change is persisted before it takes effect and published as a new routing snapshot.
/// </summary>
/// <remarks>
/// Thread-safe. Changes are serialized; requests never wait for them except on the mount being changed, which
/// drains first. Dispose it asynchronously (<see cref="DisposeAsync"/>) where you can: disposal drains and cleans up
/// every backend.
/// </remarks>
public sealed partial class MountTable : IAsyncDisposable, IDisposable
{
    private readonly IStorage _storage;
    private readonly BackendActivator _activator;
    private readonly BackendRetirement _retirement;
    private readonly IDisposable _breakerGauge;
    private readonly CatalogMountWatcher _catalogWatcher;
    private readonly MountStore _store;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<PluginHostOptions> _options;
    private readonly ILogger<MountTable> _logger;
    private readonly PluginProcessPool? _processes;
    private readonly SemaphoreSlim _changes = new(1, 1);
    private readonly Lock _restoreGate = new();
    private volatile RouteTable _routes = RouteTable.Empty;
    private Task? _restore;
    private volatile bool _disposed;

    internal MountTable(
        IStorage storage,
        PluginCatalog catalog,
        BackendActivator activator,
        IOptionsMonitor<PluginHostOptions> options,
        TimeProvider time,
        ILogger<MountTable> logger,
        PluginProcessPool? processes = null)
    {
        _processes = processes;
        _storage = storage;
        _activator = activator;
        _store = new MountStore(storage);
        _options = options;
        _time = time;
        _logger = logger;
        _retirement = new BackendRetirement(options, logger);
        _catalogWatcher = new CatalogMountWatcher(catalog, () => _routes.Mounts, _retirement, logger);
        _breakerGauge = HostMetrics.ObserveCircuitBreakers(() =>
        {
            var now = _time.GetUtcNow();
            return _routes.Mounts.Select(m => new Measurement<long>(
                m.NextStartAt > now ? 1 : 0,
                new KeyValuePair<string, object?>("mount", m.Entry.RoutePath),
                new KeyValuePair<string, object?>("plugin", m.Entry.PluginName)));
        });
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

    /// <summary>Mounts a plugin: resolves it in the catalog, starts and sets up its backend, persists the mount, then routes to it.</summary>
    /// <param name="request">What to mount and where.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>The new mount.</returns>
    /// <exception cref="PluginHostException">
    /// The path is invalid, reserved or in use; the plugin is unknown, of the wrong type, or fails to start; a TTL is
    /// invalid; or storage failed. Nothing is changed in any of these cases.
    /// </exception>
    public async Task<MountEntry> EnableAsync(MountRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureMountable(request.Type);
        if (string.IsNullOrWhiteSpace(request.Plugin))
        {
            throw new PluginHostException(ErrorCode.BadRequest, "plugin name is empty; name a plugin from the catalog, such as 'kv'");
        }

        var path = MountPaths.Sanitize(string.IsNullOrEmpty(request.Path) ? request.Plugin : request.Path);
        MountPaths.EnsureNotReserved(request.Type, path);
        var config = request.Config ?? new MountConfig();
        config.Validate();
        var (plugin, options) = request.Type == BackendType.Secret ? KvMountVersion.Resolve(request.Plugin, config.Options) : (request.Plugin, config.Options);
        config = config with { Options = options };

        return await ChangeAsync(async () =>
        {
            var entry = new MountEntry
            {
                Table = request.Type,
                Path = path,
                PluginName = plugin,
                PluginVersion = string.IsNullOrEmpty(request.PluginVersion) ? null : request.PluginVersion,
                Description = request.Description ?? "",
                Local = request.Local,
                SealWrap = request.SealWrap,
                ExternalEntropyAccess = request.ExternalEntropyAccess,
                Uuid = Guid.NewGuid().ToString(),
                Accessor = NewAccessor(plugin),
                Config = config,
            };
            EnsureFree(entry.RoutePath, except: null);

            var deregistrations = _catalogWatcher.Deregistrations;
            var activated = await _activator.ActivateAsync(entry, cancellationToken).ConfigureAwait(false);
            try
            {
                await _store.SaveAsync(entry.Table, List(entry.Table).Append(entry), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await _retirement.CleanupQuietlyAsync(activated.Backend, entry.RoutePath).ConfigureAwait(false);
                throw;
            }

            var state = NewState(entry);
            state.Replace(activated);
            _routes = _routes.With(state);
            await _catalogWatcher.RecheckAsync(state, deregistrations).ConfigureAwait(false);
            MountTableLog.Enabled(_logger, entry.RoutePath, entry.PluginName, entry.Table, entry.Uuid);
            return entry;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Unmounts: refuses new requests, drains the ones in flight, cleans the backend up, persists, and deletes the mount's data.</summary>
    /// <param name="table">The mount table.</param>
    /// <param name="path">The path within the table. A path with no mount succeeds, as in Vault.</param>
    /// <param name="cancellationToken">Cancels waiting for the change lock.</param>
    /// <returns>A task that completes when the mount is gone.</returns>
    /// <exception cref="PluginHostException">Storage refused the change; the mount stays and serves again.</exception>
    public async Task DisableAsync(BackendType table, string path, CancellationToken cancellationToken = default)
    {
        EnsureMountable(table);
        var routePath = RoutePathOf(table, MountPaths.Sanitize(path));
        await ChangeAsync(async () =>
        {
            if (_routes.Find(routePath) is not { } state)
            {
                return false;
            }

            if (LeasesOfMount is { } leases)
            {
                // As Vault's unmount: what the mount issued is revoked first, while its backend still runs; if any
                // lease cannot be revoked the mount stays, so no lease is left with no backend to revoke it.
                await leases.RevokeAsync(routePath, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await CloseAsync(state, "being disabled").ConfigureAwait(false);
                await _store.SaveAsync(table, List(table).Where(e => e.RoutePath != routePath), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                state.Reopen();
                throw;
            }

            _routes = _routes.Without(routePath);
            await DeleteDataAsync(state.Entry).ConfigureAwait(false);
            MountTableLog.Disabled(_logger, routePath, state.Entry.Uuid);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The leases of a mount, by its route path: revoked before it is disabled, counted before it is moved (the host's expiration manager).</summary>
    internal (Func<string, CancellationToken, ValueTask> RevokeAsync, Func<string, CancellationToken, ValueTask<int>> CountAsync)? LeasesOfMount { get; set; }

    /// <summary>Moves a mount to another path within its table, keeping its uuid, accessor and data.</summary>
    /// <param name="from">The current route path (<c>secret/</c>, or <c>auth/userpass/</c> for an auth method), as Vault's <c>sys/remount</c> takes it.</param>
    /// <param name="to">The new route path, in the same table.</param>
    /// <param name="cancellationToken">Cancels waiting for the change lock.</param>
    /// <returns>The moved mount.</returns>
    /// <exception cref="PluginHostException">No mount at <paramref name="from"/>; <paramref name="to"/> is invalid, reserved, in use, or in the other table; or storage failed (the mount stays where it was).</exception>
    public async Task<MountEntry> RemountAsync(string from, string to, CancellationToken cancellationToken = default)
    {
        var (fromTable, fromPath) = MountPaths.SplitRoutePath(from);
        var (toTable, toPath) = MountPaths.SplitRoutePath(to);
        if (fromTable != toTable)
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"cannot move {from} to {to}: secrets engines stay outside auth/ and auth methods stay under auth/");
        }

        MountPaths.EnsureNotReserved(toTable, toPath);
        return await ChangeAsync(async () =>
        {
            var state = _routes.Find(RoutePathOf(fromTable, fromPath))
                ?? throw new PluginHostException(ErrorCode.BadRequest, $"no matching mount at \"{RoutePathOf(fromTable, fromPath)}\"");
            var moved = state.Entry with { Path = toPath };
            if (moved.RoutePath == state.Entry.RoutePath)
            {
                return moved;
            }

            EnsureFree(moved.RoutePath, except: state.Entry.RoutePath);
            if (LeasesOfMount is { } leases && await leases.CountAsync(state.Entry.RoutePath, cancellationToken).ConfigureAwait(false) is > 0 and var live)
            {
                // A lease names the path that issued it: moved, it would point at no backend.
                throw new PluginHostException(
                    ErrorCode.BadRequest,
                    $"cannot move {state.Entry.RoutePath}: it has {live} live leases; revoke them first (sys/leases/revoke-prefix/{state.Entry.RoutePath})");
            }

            try
            {
                await CloseAsync(state, $"being moved to {moved.RoutePath}").ConfigureAwait(false);
                var entries = List(fromTable).Where(e => e.RoutePath != state.Entry.RoutePath).Append(moved);
                await _store.SaveAsync(fromTable, entries, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                state.Reopen();
                throw;
            }

            var successor = NewState(moved);
            successor.InheritBlock(state);
            _routes = _routes.Without(state.Entry.RoutePath).With(successor);
            MountTableLog.Moved(_logger, state.Entry.RoutePath, moved.RoutePath, moved.Uuid);

            // The move is done; a backend that fails to start now is reported by the mount, not by this call.
            await StartQuietlyAsync(successor).ConfigureAwait(false);
            return moved;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Changes a mount's description, TTLs, options or pinned version. Option and version changes restart the backend without downtime.</summary>
    /// <param name="table">The mount table.</param>
    /// <param name="path">The path within the table.</param>
    /// <param name="tuning">What to change.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns>The tuned mount.</returns>
    /// <exception cref="PluginHostException">No mount at the path, a bad TTL, the restarted backend failed, or storage failed; nothing is changed then.</exception>
    public async Task<MountEntry> TuneAsync(BackendType table, string path, MountTuning tuning, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tuning);
        EnsureMountable(table);
        var routePath = RoutePathOf(table, MountPaths.Sanitize(path));
        return await ChangeAsync(async () =>
        {
            var state = _routes.Find(routePath)
                ?? throw new PluginHostException(ErrorCode.BadRequest, $"no mount at \"{routePath}\"; list mounts to see their paths");
            var current = state.Entry;
            var tuned = tuning.ApplyTo(current);
            var restart = !tuned.Config.Options.OrderBy(o => o.Key).SequenceEqual(current.Config.Options.OrderBy(o => o.Key))
                || tuned.PluginVersion != current.PluginVersion;

            // Start the new backend before changing anything, so a failure leaves the mount as it was.
            var deregistrations = _catalogWatcher.Deregistrations;
            var activated = restart ? await _activator.ActivateAsync(tuned, cancellationToken).ConfigureAwait(false) : null;
            try
            {
                var entries = List(table).Where(e => e.RoutePath != routePath).Append(tuned);
                await _store.SaveAsync(table, entries, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                if (activated is not null)
                {
                    await _retirement.CleanupQuietlyAsync(activated.Backend, routePath).ConfigureAwait(false);
                }

                throw;
            }

            state.Entry = tuned;
            if (activated is not null)
            {
                await _retirement.RetireAsync(state.Replace(activated), routePath).ConfigureAwait(false);
                await _catalogWatcher.RecheckAsync(state, deregistrations).ConfigureAwait(false);
            }

            MountTableLog.Tuned(_logger, routePath, restart);
            return tuned;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Restarts the backend of one mount from the catalog's current entry (a re-registered binary) without downtime:
    /// the new backend is started and set up first, new requests switch to it, the old one drains and stops.
    /// </summary>
    /// <param name="table">The mount table.</param>
    /// <param name="path">The path within the table.</param>
    /// <param name="cancellationToken">Cancels the reload before the switch.</param>
    /// <returns>The reloaded mount.</returns>
    /// <exception cref="PluginHostException">No mount at the path, or the new backend cannot start; the old one keeps serving then.</exception>
    public async Task<MountEntry> ReloadAsync(BackendType table, string path, CancellationToken cancellationToken = default)
    {
        EnsureMountable(table);
        var routePath = RoutePathOf(table, MountPaths.Sanitize(path));
        return await ChangeAsync(async () =>
        {
            var state = _routes.Find(routePath)
                ?? throw new PluginHostException(ErrorCode.BadRequest, $"no mount at \"{routePath}\"; list mounts to see their paths");
            await ReloadStateAsync(state, cancellationToken).ConfigureAwait(false);
            return state.Entry;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reloads every mount of a plugin, as <see cref="ReloadAsync"/> does for one (Vault's <c>plugin reload -plugin</c>).</summary>
    /// <param name="type">The plugin's type.</param>
    /// <param name="pluginName">The plugin's catalog name.</param>
    /// <param name="cancellationToken">Cancels the reload before the next switch.</param>
    /// <returns>The reloaded mounts.</returns>
    /// <exception cref="PluginHostException">
    /// No mount uses the plugin, or some mounts could not be reloaded: the message lists each with its reason; those
    /// keep their old backend, the others are reloaded.
    /// </exception>
    public async Task<IReadOnlyList<MountEntry>> ReloadPluginAsync(BackendType type, string pluginName, CancellationToken cancellationToken = default)
    {
        EnsureMountable(type);
        return await ChangeAsync<IReadOnlyList<MountEntry>>(async () =>
        {
            var states = _routes.Mounts.Where(m => m.Entry.Table == type && m.Entry.PluginName == pluginName).ToArray();
            if (states.Length == 0)
            {
                throw new PluginHostException(ErrorCode.BadRequest, $"no mounts use the {type.ToName()} plugin '{pluginName}'; nothing to reload");
            }

            var failures = new List<string>();
            foreach (var state in states)
            {
                try
                {
                    await ReloadStateAsync(state, cancellationToken).ConfigureAwait(false);
                }
                catch (PluginHostException error)
                {
                    failures.Add($"{state.Entry.RoutePath}: {error.Message}");
                }
            }

            return failures.Count == 0
                ? states.Select(s => s.Entry).ToArray()
                : throw new PluginHostException(ErrorCode.Unavailable, $"could not reload {failures.Count} of {states.Length} mounts of '{pluginName}' (they keep serving with the old backend): {string.Join("; ", failures)}");
        }, cancellationToken).ConfigureAwait(false);
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
            _breakerGauge.Dispose();
            _catalogWatcher.Dispose();
            var closing = CloseAllAsync();

            // Requests get the drain timeout, then plugins the cancellation grace period to clean up and exit. A plugin
            // that ignores all of it (never answers its cleanup, ignores shutdown, outlives its connection) is killed
            // then, so stopping the host never waits on a plugin.
            var settings = _options.CurrentValue;
            var deadline = settings.DrainTimeout + settings.PluginCancellationGracePeriod;
            if (await Task.WhenAny(closing, Task.Delay(deadline, _time)).ConfigureAwait(false) != closing)
            {
                MountTableLog.ShutdownDeadlinePassed(_logger, deadline.TotalSeconds);
                _processes?.KillAll();
                await closing.ConfigureAwait(false);
            }
        }
        finally
        {
            _changes.Release();
        }
    }

    private async Task CloseAllAsync()
    {
        await Task.WhenAll(_routes.Mounts.Select(m => CloseAsync(m, "shutting down"))).ConfigureAwait(false);
        await _retirement.WhenAllRetiredAsync().ConfigureAwait(false);
    }

    /// <summary>Stops every backend, blocking until they are drained and cleaned up. Prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose() =>
        // For containers disposed synchronously. On the thread pool, so backend cleanups that capture the caller's
        // synchronization context cannot deadlock against this wait.
        Task.Run(() => DisposeAsync().AsTask()).GetAwaiter().GetResult();

    private async Task RestoreAsync()
    {
        // Never load storage or start plugins inside the caller's lock.
        await Task.Yield();
        await _changes.WaitAsync().ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var entries = (await _store.LoadAsync(BackendType.Secret, CancellationToken.None).ConfigureAwait(false))
                .Concat(await _store.LoadAsync(BackendType.Auth, CancellationToken.None).ConfigureAwait(false));
            var states = entries.Select(NewState).ToArray();
            _routes = RouteTable.Create(states);

            // In parallel: restore takes as long as the slowest plugin start, not their sum.
            var startNow = _options.CurrentValue.StartMountsOnRestore;
            if (startNow)
            {
                await Task.WhenAll(states.Select(StartQuietlyAsync)).ConfigureAwait(false);
            }

            var unavailable = startNow ? states.Count(s => !s.IsRunning) : 0;
            MountTableLog.Restored(_logger, states.Length, unavailable);
        }
        finally
        {
            _changes.Release();
        }
    }

    // Every change runs after the restore, one at a time, and never on a disposed table.
    private async Task<T> ChangeAsync<T>(Func<Task<T>> change, CancellationToken cancellationToken)
    {
        await EnsureRestoredAsync(cancellationToken).ConfigureAwait(false);
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await change().ConfigureAwait(false);
        }
        finally
        {
            _changes.Release();
        }
    }

    private MountEntry[] List(BackendType? table) =>
        _routes.Mounts.Select(m => m.Entry).Where(e => table is null || e.Table == table).ToArray();

    private MountState NewState(MountEntry entry) => new(entry, _activator.ActivateAsync, _time, _retirement.CleanupQuietlyAsync, LogFailure);

    private void LogFailure(MountState state, MountFailure failure)
    {
        if (failure.RetryDelay == TimeSpan.Zero)
        {
            // A backend that had served stopped on its own: for a plugin, its process died or broke the protocol.
            HostMetrics.PluginCrashes.Add(1, new KeyValuePair<string, object?>("plugin", state.Entry.PluginName));
            MountTableLog.BackendStopped(_logger, state.Entry.RoutePath, failure.Reason);
        }
        else
        {
            MountTableLog.MountFailed(_logger, state.Entry.RoutePath, failure.FailuresInARow, failure.RetryDelay.TotalSeconds, failure.Reason);
        }
    }

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

    // Starts the replacement first; only when it is set up do new requests switch to it and the old one drain.
    private async Task ReloadStateAsync(MountState state, CancellationToken cancellationToken)
    {
        var deregistrations = _catalogWatcher.Deregistrations;
        var activated = await _activator.ActivateAsync(state.Entry, cancellationToken).ConfigureAwait(false);
        await _retirement.RetireAsync(state.Replace(activated), state.Entry.RoutePath).ConfigureAwait(false);
        await _catalogWatcher.RecheckAsync(state, deregistrations).ConfigureAwait(false);
        MountTableLog.Reloaded(_logger, state.Entry.RoutePath, activated.Plugin.Sha256);
    }

    // Refuses new requests, lets a start under way finish (it then cleans up what it started), and retires the backend.
    private async Task CloseAsync(MountState state, string reason)
    {
        var lease = state.Close(reason);
        await state.WhenStartSettledAsync().ConfigureAwait(false);
        await _retirement.RetireAsync(lease, state.Entry.RoutePath).ConfigureAwait(false);
    }

    private async Task StartQuietlyAsync(MountState state)
    {
        await state.StartQuietlyAsync().ConfigureAwait(false);
        if (!state.IsRunning)
        {
            MountTableLog.Unavailable(_logger, state.Entry.RoutePath, state.Entry.PluginName, state.UnavailableReason);
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
            MountTableLog.DataDeleteFailed(_logger, ex, entry.RoutePath, entry.StoragePrefix);
        }
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
}
