using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using PluginHost.Hosting;
using PluginHost.Storage;
using PluginHost.Tokens;

namespace PluginHost.Seal;

/// <summary>
/// A host's seal, as Vault's core keeps it: whether the store is initialized and sealed, the key shares given towards
/// an unseal, and the <see cref="HostCore"/> that serves while it is unsealed. Unsealing opens the barrier and builds a
/// core over it (restoring the catalog, mounts and tokens, starting the mounts); sealing drops the keys and disposes
/// the core, stopping every plugin. Without a seal, or with a static one, the core is built at once and never sealed.
/// </summary>
internal sealed partial class HostSeal : IAsyncDisposable
{
    /// <summary>Vault's text for any request but the seal's own while sealed; clients match it.</summary>
    public const string SealedMessage = "Vault is sealed";

    private readonly IStorage _raw;
    private readonly BarrierKeys _chain;
    private readonly AutoUnsealedStorage? _autoUnsealed;
    private readonly Func<IStorage, HostCore> _buildCore;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly UnsealProgress _progress = new();

    // Init, unseal and seal one at a time: two last shares at once must not build two cores.
    private readonly SemaphoreSlim _transition = new(1, 1);
    private volatile HostCore? _core;
    private SealableBarrier? _barrier;
    private SealConfig? _config;
    private bool _disposed;

    /// <param name="storage">The host's storage and its seal.</param>
    /// <param name="buildCore">Builds the services that serve over an open store, given this seal.</param>
    /// <param name="clock">The clock key install times come from.</param>
    /// <param name="logger">Logs seal changes.</param>
    public HostSeal(HostStorage storage, Func<HostSeal, IStorage, HostCore> buildCore, TimeProvider clock, ILogger<HostSeal> logger)
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
        if (Kind != SealKind.Shamir)
        {
            _core = _buildCore(_autoUnsealed ?? (IStorage)new UnsealedCheckStorage(_raw));
        }
    }

    /// <summary>How the store is protected.</summary>
    public SealKind Kind { get; }

    /// <summary>The services serving while unsealed, or <see langword="null"/> while sealed.</summary>
    public HostCore? Current => _core;

    /// <summary>The services serving now.</summary>
    /// <exception cref="PluginHostException">The host is sealed (503 <c>Vault is sealed</c>).</exception>
    public HostCore Core => _core ?? throw SealedError();

    /// <summary>The open barrier's keyring, or <see langword="null"/> when the storage is not encrypted.</summary>
    /// <exception cref="PluginHostException">The host is sealed.</exception>
    public IBarrierControl? Barrier => Kind switch
    {
        SealKind.Static => _autoUnsealed,
        SealKind.Shamir => _barrier ?? throw SealedError(),
        _ => null,
    };

    /// <summary>The error every request but the seal's own gets while sealed.</summary>
    public static PluginHostException SealedError() => new(ErrorCode.Unavailable, SealedMessage);

    /// <summary>What Vault's <c>sys/seal-status</c> answers.</summary>
    public async ValueTask<SealStatus> StatusAsync(CancellationToken cancellationToken)
    {
        switch (Kind)
        {
            case SealKind.None:
                return new SealStatus("none", Initialized: true, Sealed: false, 0, 0, 0, "", Migration: false);
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
            : new SealStatus(SealConfig.Shamir, Initialized: true, Sealed: _core is null, config.SecretThreshold, config.SecretShares, progress, nonce, Migration: false);
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
        try
        {
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

    /// <summary>Disposes the core, stopping every plugin.</summary>
    public async ValueTask DisposeAsync()
    {
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
        if (Interlocked.Exchange(ref _core, null) is not { } core)
        {
            return;
        }

        _barrier?.Close();
        _barrier = null;
        _progress.Reset();
        LogSealed(_logger);
        await core.DisposeAsync().ConfigureAwait(false);
    }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "vault is unsealed")]
    private static partial void LogUnsealed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "vault is sealed: the keys are dropped and every plugin stopped")]
    private static partial void LogSealed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "unsealed, but restoring the mounts failed: {Reason}; the next request retries")]
    private static partial void LogRestoreFailed(ILogger logger, string reason);
}
