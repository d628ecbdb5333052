namespace PluginHost.Seal;

/// <summary>
/// The storage of a host configured without a seal, checked on first use to hold no barrier: reading encrypted entries
/// as if they were clear would hand ciphertext to every component, and writing clear entries beside them would leave a
/// half-encrypted store. A store with a seal is refused, saying which seal it needs.
/// </summary>
internal sealed class UnsealedCheckStorage(IStorage raw) : IStorage
{
    private readonly Lock _gate = new();
    private Task? _checked;

    // Once checked, each call is the raw store's own: no state machine on the hot path.
    private bool Checked => Volatile.Read(ref _checked) is { IsCompletedSuccessfully: true };

    /// <inheritdoc/>
    public ValueTask<StorageEntry?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        Checked ? raw.GetAsync(key, cancellationToken) : CheckedGetAsync(key, cancellationToken);

    /// <inheritdoc/>
    public ValueTask PutAsync(StorageEntry entry, CancellationToken cancellationToken = default) =>
        Checked ? raw.PutAsync(entry, cancellationToken) : CheckedPutAsync(entry, cancellationToken);

    /// <inheritdoc/>
    public ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        Checked ? raw.DeleteAsync(key, cancellationToken) : CheckedDeleteAsync(key, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) =>
        Checked ? raw.ListAsync(prefix, cancellationToken) : CheckedListAsync(prefix, cancellationToken);

    private async ValueTask<StorageEntry?> CheckedGetAsync(string key, CancellationToken cancellationToken)
    {
        await CheckAsync(cancellationToken).ConfigureAwait(false);
        return await raw.GetAsync(key, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask CheckedPutAsync(StorageEntry entry, CancellationToken cancellationToken)
    {
        await CheckAsync(cancellationToken).ConfigureAwait(false);
        await raw.PutAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask CheckedDeleteAsync(string key, CancellationToken cancellationToken)
    {
        await CheckAsync(cancellationToken).ConfigureAwait(false);
        await raw.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<IReadOnlyList<string>> CheckedListAsync(string prefix, CancellationToken cancellationToken)
    {
        await CheckAsync(cancellationToken).ConfigureAwait(false);
        return await raw.ListAsync(prefix, cancellationToken).ConfigureAwait(false);
    }

    private Task CheckAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _checked) is { IsCompletedSuccessfully: true } done)
        {
            return done;
        }

        Task checking;
        lock (_gate)
        {
            // A storage failure is not kept: the next call checks again.
            if (_checked is null || _checked.IsFaulted || _checked.IsCanceled)
            {
                _checked = CheckOnceAsync();
            }

            checking = _checked;
        }

        return checking.WaitAsync(cancellationToken);
    }

    private async Task CheckOnceAsync()
    {
        if (await raw.GetAsync(BarrierMigration.MarkerPath, CancellationToken.None).ConfigureAwait(false) is not null)
        {
            throw new PluginHostException(
                ErrorCode.Internal,
                "the data directory is half encrypted by an interrupted migration: configure its seal and run plugin-host operator migrate (or operator init) again to finish it");
        }

        if (await new BarrierKeys(raw, TimeProvider.System).ReadConfigAsync(CancellationToken.None).ConfigureAwait(false) is { } config)
        {
            throw new PluginHostException(ErrorCode.Internal, config.Type == SealConfig.Shamir
                ? "the data directory is sealed with Shamir keys: run plugin-host server and unseal it, or configure a static seal"
                : $"the data directory is encrypted with a '{config.Type}' seal: configure it (seal \"static\" {{ key_file = … }} with the same key file)");
        }
    }
}
