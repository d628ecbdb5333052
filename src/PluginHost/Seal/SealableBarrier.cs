namespace PluginHost.Seal;

/// <summary>
/// The barrier of one unseal: forwards to the open <see cref="BarrierStorage"/> until <see cref="Close"/>, then refuses
/// every call with <c>Vault is sealed</c>, so a request still in flight when the host seals cannot read or write
/// with keys the seal dropped.
/// </summary>
internal sealed class SealableBarrier(BarrierKeys chain, BarrierStorage opened) : IStorage, IBarrierControl
{
    private volatile BarrierStorage? _open = opened;

    /// <inheritdoc/>
    public ValueTask<StorageEntry?> GetAsync(string key, CancellationToken cancellationToken = default) => Open().GetAsync(key, cancellationToken);

    /// <inheritdoc/>
    public ValueTask PutAsync(StorageEntry entry, CancellationToken cancellationToken = default) => Open().PutAsync(entry, cancellationToken);

    /// <inheritdoc/>
    public ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default) => Open().DeleteAsync(key, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) => Open().ListAsync(prefix, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<BarrierKey> ActiveKeyAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Open().Keyring.Active);

    /// <inheritdoc/>
    public ValueTask<BarrierKey> RotateAsync(CancellationToken cancellationToken) => chain.RotateAsync(Open(), cancellationToken);

    /// <summary>Reads the keyring again: another node may have rotated it.</summary>
    public ValueTask ReloadKeyringAsync(CancellationToken cancellationToken) => chain.ReloadKeyringAsync(Open(), cancellationToken);

    /// <summary>Drops the keys: from now on every call answers <c>Vault is sealed</c>.</summary>
    public void Close() => _open = null;

    private BarrierStorage Open() => _open ?? throw SealedHost.Error();
}
