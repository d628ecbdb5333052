using System.Security.Cryptography;

namespace PluginHost.Seal;

/// <summary>
/// The key chain below the data, kept in the raw storage: <c>core/seal-config</c> in the clear, the root key encrypted
/// with the unseal key at <c>core/root-key</c>, and the keyring encrypted with the root key at <c>core/keyring</c>.
/// Initializes it once, opens it with the unseal key, and persists rotations.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Reliability",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "The SemaphoreSlim's wait handle is never asked for, so it holds nothing to release.")]
internal sealed class BarrierKeys(IStorage raw, TimeProvider clock)
{
    // Two rotations at once would both add "term + 1" with different keys, and the second keyring written would lose
    // the key of whatever the first one's term encrypted meanwhile.
    private readonly SemaphoreSlim _rotation = new(1, 1);

    /// <summary>The seal's configuration, stored in the clear.</summary>
    public const string SealConfigPath = "core/seal-config";

    /// <summary>The root key, encrypted with the unseal key.</summary>
    public const string RootKeyPath = "core/root-key";

    /// <summary>The keyring, encrypted with the root key.</summary>
    public const string KeyringPath = "core/keyring";

    /// <summary>The paths the barrier passes through untouched: the seal's own, each protected as above.</summary>
    public static IReadOnlySet<string> OwnPaths { get; } = new HashSet<string>(StringComparer.Ordinal) { SealConfigPath, RootKeyPath, KeyringPath };

    /// <summary>The seal's configuration, or <see langword="null"/> when the store was never initialized.</summary>
    public async ValueTask<SealConfig?> ReadConfigAsync(CancellationToken cancellationToken)
    {
        var entry = await raw.GetAsync(SealConfigPath, cancellationToken).ConfigureAwait(false);
        return entry is null ? null : SealConfig.Deserialize(entry.Value);
    }

    /// <summary>
    /// Creates the key chain: a root key and keyring term 1 under <paramref name="unsealKey"/>, or under a new random
    /// unseal key, which is returned (to split into shares). The keys are written before the configuration, so a store whose
    /// initialization was interrupted still reads as not initialized and can be initialized again.
    /// </summary>
    /// <exception cref="PluginHostException">The store is already initialized (400).</exception>
    public async ValueTask<byte[]> InitializeAsync(SealConfig config, CancellationToken cancellationToken, byte[]? unsealKey = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (await ReadConfigAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "Vault is already initialized");
        }

        unsealKey ??= RandomNumberGenerator.GetBytes(BarrierCipher.KeySize);
        await CreateKeysAsync(unsealKey, cancellationToken).ConfigureAwait(false);
        await WriteConfigAsync(config, cancellationToken).ConfigureAwait(false);
        return unsealKey;
    }

    /// <summary>
    /// Writes a new root key under <paramref name="unsealKey"/> and a keyring with term 1, and answers the barrier over
    /// them; the store reads as initialized only once <see cref="WriteConfigAsync"/> follows.
    /// </summary>
    public async ValueTask<BarrierStorage> CreateKeysAsync(byte[] unsealKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(unsealKey);
        if (unsealKey.Length != BarrierCipher.KeySize)
        {
            throw new ArgumentException($"an unseal key is {BarrierCipher.KeySize} bytes, not {unsealKey.Length}", nameof(unsealKey));
        }

        var keyring = Keyring.Create(clock.GetUtcNow());
        await raw.PutAsync(new StorageEntry(RootKeyPath, BarrierCipher.Encrypt(RootKeyPath, Wrapping(unsealKey), keyring.RootKey)), cancellationToken).ConfigureAwait(false);
        await PersistAsync(keyring, cancellationToken).ConfigureAwait(false);
        return new BarrierStorage(raw, keyring, OwnPaths);
    }

    /// <summary>Writes the seal's configuration: from then on the store reads as initialized.</summary>
    public ValueTask WriteConfigAsync(SealConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        return raw.PutAsync(new StorageEntry(SealConfigPath, config.Serialize()), cancellationToken);
    }

    /// <summary>Opens the key chain with <paramref name="unsealKey"/> and answers the barrier over the raw storage.</summary>
    /// <exception cref="PluginHostException">Not initialized (400), or the key does not open the root key (400 <c>unseal failed, invalid key</c>).</exception>
    /// <param name="unsealKey">The unseal key.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    /// <param name="initialized">Whether the configuration must be there too; a migration opens the keys it wrote before it.</param>
    public async ValueTask<BarrierStorage> OpenAsync(byte[] unsealKey, CancellationToken cancellationToken, bool initialized = true)
    {
        ArgumentNullException.ThrowIfNull(unsealKey);
        var sealedRoot = await raw.GetAsync(RootKeyPath, cancellationToken).ConfigureAwait(false);
        if (sealedRoot is null || (initialized && await ReadConfigAsync(cancellationToken).ConfigureAwait(false) is null))
        {
            throw new PluginHostException(ErrorCode.BadRequest, "Vault is not initialized");
        }

        byte[] rootKey;
        try
        {
            rootKey = unsealKey.Length == BarrierCipher.KeySize
                ? BarrierCipher.Decrypt(RootKeyPath, Wrapping(unsealKey), sealedRoot.Value)
                : throw new CryptographicException("an unseal key is 32 bytes");
        }
        catch (CryptographicException)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "unseal failed, invalid key");
        }

        try
        {
            return new BarrierStorage(raw, await ReadKeyringAsync(rootKey, cancellationToken).ConfigureAwait(false), OwnPaths);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(rootKey);
        }
    }

    /// <summary>
    /// Reads the keyring again into an open barrier: another node sharing the store may have rotated it (a standby
    /// becoming active must encrypt with the newest term, and decrypt what was written with it).
    /// </summary>
    public async ValueTask ReloadKeyringAsync(BarrierStorage barrier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(barrier);
        barrier.Keyring = await ReadKeyringAsync(barrier.Keyring.RootKey, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<Keyring> ReadKeyringAsync(byte[] rootKey, CancellationToken cancellationToken)
    {
        var sealedKeyring = await raw.GetAsync(KeyringPath, cancellationToken).ConfigureAwait(false)
            ?? throw new PluginHostException(ErrorCode.Internal, $"the keyring ({KeyringPath}) is missing: the store cannot be decrypted");
        try
        {
            return Keyring.Deserialize(BarrierCipher.Decrypt(KeyringPath, Wrapping(rootKey), sealedKeyring.Value));
        }
        catch (Exception unreadable) when (unreadable is CryptographicException or InvalidDataException)
        {
            // The root key opened, so the key was right: the keyring itself was changed.
            throw new PluginHostException(ErrorCode.Internal, $"the keyring ({KeyringPath}) cannot be read: {unreadable.Message}", unreadable);
        }
    }

    /// <summary>
    /// Adds a keyring term and makes it the one new writes use (Vault's <c>sys/rotate</c>). The keyring is written in
    /// one put before the barrier uses the new term, so a crash at any point leaves a keyring that decrypts every
    /// acknowledged write.
    /// </summary>
    public async ValueTask<BarrierKey> RotateAsync(BarrierStorage barrier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(barrier);
        await _rotation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var rotated = barrier.Keyring.Rotate(clock.GetUtcNow());
            await PersistAsync(rotated, cancellationToken).ConfigureAwait(false);
            barrier.Keyring = rotated;
            return rotated.Active;
        }
        finally
        {
            _rotation.Release();
        }
    }

    private ValueTask PersistAsync(Keyring keyring, CancellationToken cancellationToken) =>
        raw.PutAsync(new StorageEntry(KeyringPath, BarrierCipher.Encrypt(KeyringPath, Wrapping(keyring.RootKey), keyring.Serialize())), cancellationToken);

    // The root and unseal keys encrypt one entry each, in the barrier's format, as term 1 of their own.
    private BarrierKey Wrapping(byte[] key) => new(1, key, clock.GetUtcNow());
}
