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

    /// <inheritdoc/>
    public async ValueTask<StorageEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        await CheckAsync(cancellationToken).ConfigureAwait(false);
        return await raw.GetAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask PutAsync(StorageEntry entry, CancellationToken cancellationToken = default)
    {
        await CheckAsync(cancellationToken).ConfigureAwait(false);
        await raw.PutAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        await CheckAsync(cancellationToken).ConfigureAwait(false);
        await raw.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
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
