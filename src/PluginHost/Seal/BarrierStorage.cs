using System.Security.Cryptography;

namespace PluginHost.Seal;

/// <summary>
/// An <see cref="IStorage"/> whose values are encrypted on the way down and checked and decrypted on the way up
/// (<see cref="BarrierCipher"/>); keys, and so the shape of the tree, stay readable, as in Vault. A few paths the seal
/// must read before anything is decrypted are passed through as they are.
/// </summary>
internal sealed class BarrierStorage : IStorage
{
    private readonly IStorage _inner;
    private readonly IReadOnlySet<string> _clearPaths;
    private volatile Keyring _keyring;

    /// <param name="inner">Where the encrypted entries are kept.</param>
    /// <param name="keyring">The keys; <see cref="Keyring"/> can be swapped for a rotated one while in use.</param>
    /// <param name="clearPaths">Keys stored unencrypted (the seal's configuration); refused for nothing else.</param>
    public BarrierStorage(IStorage inner, Keyring keyring, IReadOnlySet<string>? clearPaths = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(keyring);
        _inner = inner;
        _keyring = keyring;
        _clearPaths = clearPaths ?? new HashSet<string>(StringComparer.Ordinal);
    }

    /// <summary>The keys in use; setting a rotated keyring makes new writes use its new term.</summary>
    public Keyring Keyring
    {
        get => _keyring;
        set => _keyring = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <inheritdoc/>
    public ValueTask<StorageEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        // A store that answers synchronously (memory, a cache) gets no state machine on the hot path.
        var reading = _inner.GetAsync(key, cancellationToken);
        return reading.IsCompletedSuccessfully ? ValueTask.FromResult(Open(key, reading.Result)) : OpenAsync(key, reading);
    }

    private async ValueTask<StorageEntry?> OpenAsync(string key, ValueTask<StorageEntry?> reading) => Open(key, await reading.ConfigureAwait(false));

    private StorageEntry? Open(string key, StorageEntry? entry)
    {
        if (entry is null || _clearPaths.Contains(key))
        {
            return entry;
        }

        try
        {
            var keyring = _keyring;
            var term = BarrierCipher.TermOf(key, entry.Value);
            var termKey = keyring.Find(term)
                ?? throw new CryptographicException($"the entry at '{key}' is of term {term}, which the keyring (terms 1 to {keyring.Active.Term}) does not have");
            return new StorageEntry(key, BarrierCipher.Decrypt(key, termKey, entry.Value));
        }
        catch (CryptographicException unreadable)
        {
            // Not the client's to see (the HTTP API answers with the request id); the host logs it.
            throw new PluginHostException(ErrorCode.Internal, unreadable.Message, unreadable);
        }
    }

    /// <summary>Whether <paramref name="value"/>, read at <paramref name="key"/>, is an entry this keyring wrote there (it decrypts).</summary>
    public bool IsEncrypted(string key, byte[] value)
    {
        try
        {
            var keyring = _keyring;
            return keyring.Find(BarrierCipher.TermOf(key, value)) is { } termKey && BarrierCipher.Decrypt(key, termKey, value) is not null;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public ValueTask PutAsync(StorageEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.Value);
        StorageKey.Validate(entry.Key);
        return _clearPaths.Contains(entry.Key)
            ? _inner.PutAsync(entry, cancellationToken)
            : _inner.PutAsync(new StorageEntry(entry.Key, BarrierCipher.Encrypt(entry.Key, _keyring.Active, entry.Value)), cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default) => _inner.DeleteAsync(key, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) =>
        _inner.ListAsync(prefix, cancellationToken);
}
