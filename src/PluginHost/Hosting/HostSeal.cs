using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using PluginHost.Authorization;
using PluginHost.HighAvailability;
using PluginHost.Policies;
using PluginHost.Seal;
using PluginHost.Storage;
using PluginHost.SystemPaths;
using PluginHost.Tokens;

namespace PluginHost.Hosting;

/// <summary>
/// A host's seal, as Vault's core keeps it: whether the store is initialized and sealed, the key shares given towards
/// an unseal, and the <see cref="HostCore"/> that serves while it is unsealed. Unsealing opens the barrier and builds a
/// core over it (restoring the catalog, mounts and tokens, starting the mounts); sealing drops the keys and disposes
/// the core, stopping every plugin. Without a seal, or with a static one, the core is built at once and never sealed.
/// </summary>
/// <remarks>
/// On storage shared by several hosts (<see cref="IHighAvailabilityStorage.HaEnabled"/>), unsealing only makes the node
/// a standby: the core is built when the node takes the HA lock and disposed when it loses it (<see cref="HaCoordinator"/>),
/// so plugins run on the active node only; initializing takes the lock for its writes.
/// </remarks>
internal sealed partial class HostSeal : ISeal, IActiveNodeServices, IAsyncDisposable, IDisposable
{
    private readonly IStorage _raw;
    private readonly BarrierKeys _chain;
    private readonly AutoUnsealedStorage? _autoUnsealed;
    private readonly Func<IStorage, HostCore> _buildCore;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly UnsealProgress _progress = new();
    private readonly HaCoordinator? _ha;

    // Init, unseal and seal one at a time: two last shares at once must not build two cores.
    private readonly SemaphoreSlim _transition = new(1, 1);
    private volatile HostCore? _core;
    private SealableBarrier? _barrier;
    private SealConfig? _config;
    private readonly IDisposable? _changes;
    private bool _disposed;

    /// <param name="storage">The host's storage and its seal.</param>
    /// <param name="buildCore">Builds the services that serve over an open store, given this seal.</param>
    /// <param name="clock">The clock key install times come from.</param>
    /// <param name="logger">Logs seal changes.</param>
    /// <param name="apiAddress">Where clients reach this host, for the other nodes when the storage is shared.</param>
    /// <param name="haLogger">Logs the node's HA state changes when the storage is shared.</param>
    /// <exception cref="InvalidOperationException">The storage is shared and <paramref name="apiAddress"/> is not given.</exception>
    public HostSeal(HostStorage storage, Func<HostSeal, IStorage, HostCore> buildCore, TimeProvider clock, ILogger<HostSeal> logger, string? apiAddress = null, ILogger<HaCoordinator>? haLogger = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(buildCore);
        _raw = storage.Raw;
        Kind = storage.Kind;
        _autoUnsealed = storage.AutoUnsealed;
        _chain = storage.Chain;
        _clock = clock;
        _logger = logger;
        _buildCore = opened => buildCore(this, opened);
        if (_raw is IHighAvailabilityStorage { HaEnabled: true } shared)
        {
            var address = string.IsNullOrEmpty(apiAddress)
                ? throw new InvalidOperationException("the storage is shared by several hosts (HA), so the others must know where to reach this one: set PluginHostOptions.ApiAddress (api_addr in plugin-host's config), such as \"http://10.0.0.5:8200\"")
                : apiAddress;
            _ha = new HaCoordinator(shared.Lock, address, this, clock, haLogger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<HaCoordinator>.Instance);
            _changes = shared.Changes.Watch(OnSharedStorageChangedAsync);
            _ha.Start();
        }
        else if (Kind != SealKind.Shamir)
        {
            _core = _buildCore(_autoUnsealed ?? (IStorage)new UnsealedCheckStorage(_raw));
        }
    }

    /// <summary>This host's place among the hosts sharing its storage.</summary>
    public IHaNode HighAvailability => (IHaNode?)_ha ?? SingleNode.Instance;

    /// <summary>The HA system paths over this seal's coordinator.</summary>
    public HaSystemPaths HaPaths => new(HighAvailability, _ha);

    /// <summary>How the store is protected.</summary>
    public SealKind Kind { get; }

    /// <summary>The services serving while unsealed, or <see langword="null"/> while sealed.</summary>
    public HostCore? Current => _core;

    /// <summary>The services serving now.</summary>
    /// <exception cref="PluginHostException">The host is sealed (503 <c>Vault is sealed</c>), or a standby (503, naming the active node).</exception>
    public HostCore Core => _core is { } core && (_ha is null || _ha.IsServing) ? core : throw NotServing();

    /// <summary>The open barrier's keyring, or <see langword="null"/> when the storage is not encrypted.</summary>
    /// <exception cref="PluginHostException">The host is sealed.</exception>
    public IBarrierControl? Barrier => Kind switch
    {
        SealKind.Static => _autoUnsealed,
        SealKind.Shamir => _barrier ?? throw SealedHost.Error(),
        _ => null,
    };

    /// <summary>What Vault's <c>sys/seal-status</c> answers.</summary>
    public async ValueTask<SealStatus> StatusAsync(CancellationToken cancellationToken)
    {
        switch (Kind)
        {
            case SealKind.None:
                return new SealStatus("none", Initialized: true, Sealed: false, 0, 0, 0, "", Migration: false);
            case SealKind.Static when _ha is not null:
                // A standby must not open (and so maybe initialize) the store: the active node does that under the lock.
                var opens = await _autoUnsealed!.CanOpenAsync(cancellationToken).ConfigureAwait(false);
                var known = await _chain.ReadConfigAsync(cancellationToken).ConfigureAwait(false) is not null;
                return new SealStatus(SealConfig.Static, known, Sealed: !opens, 1, 1, 0, "", Migration: false);
            case SealKind.Static:
                try
                {
                    await _autoUnsealed!.ActiveKeyAsync(cancellationToken).ConfigureAwait(false);
                    return new SealStatus(SealConfig.Static, Initialized: true, Sealed: false, 1, 1, 0, "", Migration: false);
                }
                catch (PluginHostException)
                {
                    // The key file is missing or wrong, or the store needs migrating: the host cannot open it.
                    var initialized = await _chain.ReadConfigAsync(cancellationToken).ConfigureAwait(false) is not null;
                    return new SealStatus(SealConfig.Static, initialized, Sealed: true, 1, 1, 0, "", Migration: !initialized && await NeedsMigrationAsync(cancellationToken).ConfigureAwait(false));
                }
        }

        var config = await ConfigAsync(cancellationToken).ConfigureAwait(false);
        var (progress, nonce) = _progress.Status;
        return config is null
            ? new SealStatus(SealConfig.Shamir, Initialized: false, Sealed: true, 0, 0, 0, "", await NeedsMigrationAsync(cancellationToken).ConfigureAwait(false))
            : new SealStatus(SealConfig.Shamir, Initialized: true, Sealed: _barrier is null, config.SecretThreshold, config.SecretShares, progress, nonce, Migration: false);
    }

    /// <summary>
    /// Initializes a Shamir-sealed store (Vault's <c>sys/init</c>): a new unseal key split into <paramref name="shares"/>
    /// shares, <paramref name="threshold"/> of which unseal, and a root token. Data written before the barrier existed is
    /// encrypted on the way. The store stays sealed.
    /// </summary>
    /// <param name="shares">How many key shares to make.</param>
    /// <param name="threshold">How many of them unseal.</param>
    /// <param name="rootTokenId">The root token to make (dev mode's), or <see langword="null"/> for a random one.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <exception cref="PluginHostException">Not a Shamir seal, already initialized, or the counts are invalid (400).</exception>
    public async ValueTask<(byte[][] Keys, string RootToken)> InitializeAsync(int shares, int threshold, string? rootTokenId, CancellationToken cancellationToken)
    {
        if (Kind != SealKind.Shamir)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "Vault is already initialized");
        }

        if (InvalidCounts(shares, threshold) is { } invalid)
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"invalid seal configuration: {invalid}");
        }

        await _transition.WaitAsync(cancellationToken).ConfigureAwait(false);
        byte[]? unsealKey = null;
        IAsyncDisposable? held = null;
        try
        {
            if (_ha is not null)
            {
                held = await _ha.HoldForInitAsync(() => _chain.ReadConfigAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
            }

            var config = new SealConfig(SealConfig.Shamir, shares, threshold);
            var migration = new BarrierMigration(_raw, _chain);
            int migrated;
            (unsealKey, migrated) = await migration.RunAsync(config, unsealKey: null, cancellationToken).ConfigureAwait(false);
            if (migrated > 0)
            {
                LogMigrated(_logger, migrated);
            }

            // The root token is written through the barrier, as every token is; the host stays sealed.
            var barrier = await _chain.OpenAsync(unsealKey, cancellationToken).ConfigureAwait(false);
            var (rootToken, _) = await new TokenStore(barrier, _clock).CreateRootAsync(rootTokenId, cancellationToken).ConfigureAwait(false);
            _config = config;
            LogInitialized(_logger, shares, threshold);
            return (shares == 1 ? [[.. unsealKey]] : Shamir.Split(unsealKey, shares, threshold), rootToken);
        }
        finally
        {
            if (unsealKey is not null)
            {
                CryptographicOperations.ZeroMemory(unsealKey);
            }

            if (held is not null)
            {
                await held.DisposeAsync().ConfigureAwait(false);
            }

            _transition.Release();
        }
    }

    /// <summary>
    /// Adds one key share (Vault's <c>sys/unseal</c>); at the threshold opens the barrier, builds the core and restores
    /// the mounts, and answers the status. Unsealed already: answers the status.
    /// </summary>
    /// <exception cref="PluginHostException">Not initialized, the shares do not combine, or the key they give is wrong (400).</exception>
    public async ValueTask<SealStatus> UnsealAsync(byte[] share, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(share);
        if (Kind != SealKind.Shamir || _core is not null)
        {
            return await StatusAsync(cancellationToken).ConfigureAwait(false);
        }

        await _transition.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_core is null)
            {
                await UnsealLockedAsync(share, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _transition.Release();
        }

        return await StatusAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether this node shares HA storage, is unsealed and serves no core (a standby, or about to take the lock).</summary>
    public bool IsStandby => _ha is not null && _core is null && (Kind != SealKind.Shamir || _barrier is not null);

    /// <summary>
    /// Seals a standby (Vault's <c>sys/seal</c> sent to it): a standby has no core, so the caller's token and policies
    /// are read from the store itself and must grant <c>update</c> and <c>sudo</c> on <c>sys/seal</c>. Not audited: the
    /// audit devices run on the active node.
    /// </summary>
    /// <exception cref="PluginHostException">The seal cannot be sealed (400), or the caller may not seal (403).</exception>
    public async ValueTask SealStandbyAsync(BackendRequest request, RequestCaller caller, CancellationToken cancellationToken)
    {
        EnsureCanSeal();
        if (_barrier is { } barrier)
        {
            using var policies = new PolicyStore(barrier);
            var principal = await new RequestAuthenticator(new TokenStore(barrier, _clock), policies).AuthenticateAsync(caller, cancellationToken).ConfigureAwait(false);
            AccessCheck.Demand(principal, request.Path, request.Operation, rootPath: true, request.Data);
        }

        await SealAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets the shares given so far (Vault's <c>reset: true</c>).</summary>
    public void ResetUnseal() => _progress.Reset();

    /// <summary>
    /// Seals (Vault's <c>sys/seal</c>): from now on every request but the seal's own answers <c>Vault is sealed</c>;
    /// the keys are dropped and the core disposed, which drains the mounts and stops every plugin.
    /// </summary>
    /// <exception cref="PluginHostException">The seal is not Shamir: nothing could unseal it again (400).</exception>
    public async ValueTask SealAsync(CancellationToken cancellationToken)
    {
        EnsureCanSeal();
        await _transition.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SealLockedAsync().ConfigureAwait(false);
        }
        finally
        {
            _transition.Release();
        }

        if (_ha is not null)
        {
            // Another node can take over now rather than when the lock expires.
            await _ha.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Refuses to seal a host that nothing could unseal again.</summary>
    /// <exception cref="PluginHostException">The seal is not Shamir (400).</exception>
    public void EnsureCanSeal()
    {
        if (Kind != SealKind.Shamir)
        {
            throw new PluginHostException(ErrorCode.BadRequest, Kind == SealKind.Static
                ? "this host unseals itself with its static seal key when it starts, and no key share could unseal it again: stop the process instead"
                : "this host's storage is not encrypted, so it has no seal: configure one (UseShamirSeal or UseStaticSeal; seal \"static\" in plugin-host's config)");
        }
    }

    /// <summary>Stops taking part in HA (releasing the lock) and disposes the core, stopping every plugin.</summary>
    public async ValueTask DisposeAsync()
    {
        _changes?.Dispose();
        if (_ha is not null)
        {
            // Not under the transition lock: stopping the coordinator stops serving, which takes it.
            await _ha.DisposeAsync().ConfigureAwait(false);
        }

        await _transition.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _barrier?.Close();
            if (Interlocked.Exchange(ref _core, null) is { } core)
            {
                await core.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _transition.Release();
        }
    }

    /// <summary>Disposes the core, blocking; for containers disposed synchronously.</summary>
    public void Dispose() => Task.Run(() => DisposeAsync().AsTask()).GetAwaiter().GetResult();

    private async ValueTask UnsealLockedAsync(byte[] share, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var config = await ConfigAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new PluginHostException(ErrorCode.BadRequest, "Vault is not initialized");
        byte[]? unsealKey;
        try
        {
            unsealKey = _progress.Submit(share, config.SecretThreshold);
        }
        catch (ArgumentException invalid)
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"failed to compute root key: {invalid.Message}");
        }

        if (unsealKey is null)
        {
            return;
        }

        BarrierStorage opened;
        try
        {
            opened = await _chain.OpenAsync(unsealKey, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(unsealKey);
        }

        _barrier = new SealableBarrier(_chain, opened);
        if (_ha is not null)
        {
            // A standby now: the core is built when this node takes the lock.
            LogUnsealedStandby(_logger);
            _ha.Unsealed();
            return;
        }

        var core = _buildCore(_barrier);
        _core = core;
        LogUnsealed(_logger);
        try
        {
            // As Vault's post-unseal: the catalog, mounts and audit devices are back before the answer. A failure here
            // (a plugin that does not start) is the mount's, logged there and retried by the next request.
            await core.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            LogRestoreFailed(_logger, error.Message);
        }
    }

    private async ValueTask SealLockedAsync()
    {
        var core = Interlocked.Exchange(ref _core, null);
        if (core is null && _barrier is null)
        {
            return;
        }

        _barrier?.Close();
        _barrier = null;
        _progress.Reset();
        LogSealed(_logger);
        if (core is not null)
        {
            await core.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> CanServeAsync(CancellationToken cancellationToken) => Kind switch
    {
        SealKind.Shamir => _barrier is not null,
        SealKind.Static => await _autoUnsealed!.CanOpenAsync(cancellationToken).ConfigureAwait(false),
        _ => true,
    };

    /// <inheritdoc/>
    public async ValueTask<bool> StartServingAsync(CancellationToken cancellationToken)
    {
        HostCore core;
        await _transition.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_disposed || _core is not null)
            {
                return !_disposed;
            }

            IStorage opened;
            switch (Kind)
            {
                case SealKind.Shamir when _barrier is null:
                    return false;
                case SealKind.Shamir:
                    // While this node was a standby, the active node may have rotated the keyring.
                    await _barrier.ReloadKeyringAsync(cancellationToken).ConfigureAwait(false);
                    opened = _barrier;
                    break;
                case SealKind.Static:
                    _autoUnsealed!.Reopen();
                    opened = _autoUnsealed;
                    break;
                default:
                    opened = new UnsealedCheckStorage(_raw);
                    break;
            }

            core = _buildCore(opened);
            _core = core;
        }
        finally
        {
            _transition.Release();
        }

        try
        {
            // As at an unseal: the catalog, mounts and audit devices are back before the node serves.
            await core.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            LogRestoreFailed(_logger, error.Message);
        }

        return true;
    }

    /// <inheritdoc/>
    public async ValueTask StopServingAsync()
    {
        await _transition.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Interlocked.Exchange(ref _core, null) is { } core)
            {
                await core.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _transition.Release();
        }
    }

    // Another node wrote (null: may have written anything). A standby keeps one thing from the store, the keyring it
    // reads tokens with when it is sealed through its own API; the active node rotates it (sys/rotate), and a token
    // written afterwards is encrypted with the new term. The active node is the writer, a sealed node keeps nothing.
    private async ValueTask OnSharedStorageChangedAsync(string? key, CancellationToken cancellationToken)
    {
        if (key is null or BarrierKeys.KeyringPath && _core is null && _barrier is { } barrier)
        {
            await barrier.ReloadKeyringAsync(cancellationToken).ConfigureAwait(false);
            LogKeyringReloaded(_logger, key ?? "a full check");
        }
    }

    private PluginHostException NotServing() =>
        IsStandby || _ha is { State: HaNodeState.Active } ? StandbyNode.Error(_ha!.Leader) : SealedHost.Error();

    private async ValueTask<SealConfig?> ConfigAsync(CancellationToken cancellationToken) =>
        _config ??= await _chain.ReadConfigAsync(cancellationToken).ConfigureAwait(false);

    private ValueTask<bool> NeedsMigrationAsync(CancellationToken cancellationToken) =>
        new BarrierMigration(_raw, _chain).IsNeededAsync(cancellationToken);

    // Vault's SealConfig.Validate, with its texts.
    private static string? InvalidCounts(int shares, int threshold) => (shares, threshold) switch
    {
        ( < 1, _) => "shares must be at least one",
        (_, < 1) => "threshold must be at least one",
        ( > 1, 1) => "threshold must be greater than one for multiple shares",
        ( > Shamir.MaxShares, _) => "shares must be less than 256",
        _ when threshold > shares => "threshold cannot be larger than shares",
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "initialized the barrier with a Shamir seal: {Shares} key shares, {Threshold} to unseal")]
    private static partial void LogInitialized(ILogger logger, int shares, int threshold);

    [LoggerMessage(Level = LogLevel.Information, Message = "encrypted {Count} entries written before the barrier existed")]
    private static partial void LogMigrated(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "vault is unsealed: this node is a standby until it takes the HA lock")]
    private static partial void LogUnsealedStandby(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "standby: re-read the keyring after {Change}")]
    private static partial void LogKeyringReloaded(ILogger logger, string change);

    [LoggerMessage(Level = LogLevel.Information, Message = "vault is unsealed")]
    private static partial void LogUnsealed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "vault is sealed: the keys are dropped and every plugin stopped")]
    private static partial void LogSealed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "unsealed, but restoring the mounts failed: {Reason}; the next request retries")]
    private static partial void LogRestoreFailed(ILogger logger, string reason);
}
