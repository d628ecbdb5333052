namespace PluginHost.Seal;

/// <summary>
/// The host's storage behind a barrier it opens by itself: on first use it reads the unseal key from the
/// <see cref="IUnsealKeyProvider"/>, initializes an empty store with a <c>static</c> seal or opens an existing one,
/// and from then on encrypts and decrypts every entry. It never encrypts data written without the barrier in place,
/// and never opens a store sealed with Shamir keys: both are refused with what to do.
/// </summary>
internal sealed class AutoUnsealedStorage : IStorage, IBarrierControl
{
    private readonly IStorage _raw;
    private readonly IUnsealKeyProvider _keys;
    private readonly BarrierKeys _chain;
    private readonly Lock _gate = new();
    private Task<BarrierStorage>? _opening;
    private volatile bool _canOpen;

    public AutoUnsealedStorage(IStorage raw, IUnsealKeyProvider keys, BarrierKeys chain)
    {
        _raw = raw;
        _keys = keys;
        _chain = chain;
    }

    /// <inheritdoc/>
    public ValueTask<StorageEntry?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        Opened is { } barrier ? barrier.GetAsync(key, cancellationToken) : OpenedGetAsync(key, cancellationToken);

    /// <inheritdoc/>
    public ValueTask PutAsync(StorageEntry entry, CancellationToken cancellationToken = default) =>
        Opened is { } barrier ? barrier.PutAsync(entry, cancellationToken) : OpenedPutAsync(entry, cancellationToken);

    /// <inheritdoc/>
    public ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        Opened is { } barrier ? barrier.DeleteAsync(key, cancellationToken) : OpenedDeleteAsync(key, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) =>
        Opened is { } barrier ? barrier.ListAsync(prefix, cancellationToken) : OpenedListAsync(prefix, cancellationToken);

    /// <summary>The term new entries are encrypted with (Vault's <c>sys/key-status</c>).</summary>
    public async ValueTask<BarrierKey> ActiveKeyAsync(CancellationToken cancellationToken) =>
        (await OpenAsync(cancellationToken).ConfigureAwait(false)).Keyring.Active;

    /// <summary>Adds a keyring term that new writes use from now on (Vault's <c>sys/rotate</c>); old terms still decrypt.</summary>
    public async ValueTask<BarrierKey> RotateAsync(CancellationToken cancellationToken) =>
        await _chain.RotateAsync(await OpenAsync(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Encrypts a store written without the barrier under the provider's key (<c>plugin-host operator migrate</c>),
    /// crash-safe: an interrupted run is finished by the next. Run it while nothing else uses the store.
    /// </summary>
    /// <returns>How many entries were encrypted.</returns>
    /// <exception cref="PluginHostException">The store is already initialized, or an interrupted migration used another key.</exception>
    public async ValueTask<int> MigrateAsync(CancellationToken cancellationToken)
    {
        var unsealKey = await _keys.GetUnsealKeyAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (_, encrypted) = await new BarrierMigration(_raw, _chain).RunAsync(new SealConfig(SealConfig.Static, 1, 1), unsealKey, cancellationToken).ConfigureAwait(false);
            return encrypted;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(unsealKey);
        }
    }

    /// <summary>
    /// Whether the key opens the store, without writing: an initialized store is opened with it, an empty one will be
    /// initialized by whichever node serves first. A node sharing the store whose key is missing or wrong is sealed.
    /// </summary>
    public async ValueTask<bool> CanOpenAsync(CancellationToken cancellationToken)
    {
        if (_canOpen)
        {
            return true;
        }

        try
        {
            var unsealKey = await _keys.GetUnsealKeyAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                _canOpen = await _chain.ReadConfigAsync(cancellationToken).ConfigureAwait(false) switch
                {
                    null => !await new BarrierMigration(_raw, _chain).IsNeededAsync(cancellationToken).ConfigureAwait(false),
                    { Type: SealConfig.Static } => await _chain.OpenAsync(unsealKey, cancellationToken).ConfigureAwait(false) is not null,
                    _ => false,
                };
                return _canOpen;
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(unsealKey);
            }
        }
        catch (PluginHostException)
        {
            return false;
        }
    }

    /// <summary>Forgets the opened key chain: the next call reads it again (another node sharing the store may have rotated the keyring).</summary>
    public void Reopen()
    {
        lock (_gate)
        {
            _opening = null;
        }
    }

    // Once open, each call goes straight to the barrier: no lock and no state machine on the hot path.
    private BarrierStorage? Opened => Volatile.Read(ref _opening) is { IsCompletedSuccessfully: true } open ? open.Result : null;

    private async ValueTask<StorageEntry?> OpenedGetAsync(string key, CancellationToken cancellationToken) =>
        await (await OpenAsync(cancellationToken).ConfigureAwait(false)).GetAsync(key, cancellationToken).ConfigureAwait(false);

    private async ValueTask OpenedPutAsync(StorageEntry entry, CancellationToken cancellationToken) =>
        await (await OpenAsync(cancellationToken).ConfigureAwait(false)).PutAsync(entry, cancellationToken).ConfigureAwait(false);

    private async ValueTask OpenedDeleteAsync(string key, CancellationToken cancellationToken) =>
        await (await OpenAsync(cancellationToken).ConfigureAwait(false)).DeleteAsync(key, cancellationToken).ConfigureAwait(false);

    private async ValueTask<IReadOnlyList<string>> OpenedListAsync(string prefix, CancellationToken cancellationToken) =>
        await (await OpenAsync(cancellationToken).ConfigureAwait(false)).ListAsync(prefix, cancellationToken).ConfigureAwait(false);

    private Task<BarrierStorage> OpenAsync(CancellationToken cancellationToken)
    {
        // Every storage call passes here: once open, no lock.
        if (Volatile.Read(ref _opening) is { IsCompletedSuccessfully: true } open)
        {
            return open;
        }

        Task<BarrierStorage> opening;
        lock (_gate)
        {
            // A failure (storage down, key file not there yet) is not kept: the next call tries again.
            if (_opening is null || _opening.IsFaulted || _opening.IsCanceled)
            {
                _opening = OpenOnceAsync();
            }

            opening = _opening;
        }

        return opening.IsCompletedSuccessfully ? opening : opening.WaitAsync(cancellationToken);
    }

    private async Task<BarrierStorage> OpenOnceAsync()
    {
        var unsealKey = await _keys.GetUnsealKeyAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            switch (await _chain.ReadConfigAsync(CancellationToken.None).ConfigureAwait(false))
            {
                case null when await new BarrierMigration(_raw, _chain).IsNeededAsync(CancellationToken.None).ConfigureAwait(false):
                    throw new PluginHostException(
                        ErrorCode.Internal,
                        "the storage holds data written without encryption, and a seal is configured: run plugin-host operator migrate (with the server stopped) to encrypt it, or remove the seal to use it as it is");
                case null:
                    await _chain.InitializeAsync(new SealConfig(SealConfig.Static, 1, 1), CancellationToken.None, unsealKey).ConfigureAwait(false);
                    break;
                case { Type: not SealConfig.Static } config:
                    throw new PluginHostException(
                        ErrorCode.Internal,
                        config.Type == SealConfig.Shamir
                            ? "the data directory is sealed with Shamir keys, which a static seal cannot open: remove the seal stanza, run plugin-host server and unseal it with its key shares"
                            : $"the data directory is sealed with a '{config.Type}' seal, which a static seal cannot open");
            }

            return await _chain.OpenAsync(unsealKey, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(unsealKey);
        }
    }
}
