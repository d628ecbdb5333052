using System.Security.Cryptography;

namespace PluginHost.Seal;

/// <summary>
/// Encrypts a store written without the barrier, in place and crash-safe. The unseal key is kept in the clear at
/// <c>core/migration</c> while entries are encrypted one by one (the data beside it is still clear, so it gives away
/// nothing more), an entry that already decrypts is skipped, and the seal's configuration is written last: an
/// interrupted migration reads as not initialized and a rerun finishes it with the same keys. The marker is deleted
/// once the configuration is written.
/// </summary>
internal sealed class BarrierMigration(IStorage raw, BarrierKeys chain)
{
    /// <summary>Holds the unseal key while a migration is under way.</summary>
    public const string MarkerPath = "core/migration";

    /// <summary>Whether the store holds data the barrier did not write: entries beside the key chain, or a migration under way.</summary>
    public async ValueTask<bool> IsNeededAsync(CancellationToken cancellationToken)
    {
        foreach (var top in await raw.ListAsync("", cancellationToken).ConfigureAwait(false))
        {
            if (top != "core/")
            {
                return true;
            }
        }

        foreach (var name in await raw.ListAsync("core/", cancellationToken).ConfigureAwait(false))
        {
            if (name == "migration" || !BarrierKeys.OwnPaths.Contains("core/" + name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Encrypts every entry and initializes the store with <paramref name="config"/>.</summary>
    /// <param name="config">The seal's configuration, written last.</param>
    /// <param name="unsealKey">The static seal's key; <see langword="null"/> for a new random one (Shamir), or the interrupted migration's.</param>
    /// <param name="cancellationToken">Cancels between entries; a rerun continues.</param>
    /// <returns>The unseal key the store is now under, and how many entries were encrypted.</returns>
    /// <exception cref="PluginHostException">The store is already initialized, or an interrupted migration used another static key.</exception>
    public async ValueTask<(byte[] UnsealKey, int Encrypted)> RunAsync(SealConfig config, byte[]? unsealKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (await chain.ReadConfigAsync(cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "Vault is already initialized");
        }

        BarrierStorage barrier;
        if (await raw.GetAsync(MarkerPath, cancellationToken).ConfigureAwait(false) is { } marker)
        {
            if (unsealKey is not null && !CryptographicOperations.FixedTimeEquals(unsealKey, marker.Value))
            {
                throw new PluginHostException(
                    ErrorCode.BadRequest,
                    "an interrupted migration of this store used another seal key: put that key file back and run the migration again");
            }

            unsealKey = marker.Value;
            barrier = await ResumeAsync(unsealKey, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            unsealKey ??= RandomNumberGenerator.GetBytes(BarrierCipher.KeySize);
            await raw.PutAsync(new StorageEntry(MarkerPath, unsealKey), cancellationToken).ConfigureAwait(false);
            barrier = await chain.CreateKeysAsync(unsealKey, cancellationToken).ConfigureAwait(false);
        }

        var encrypted = 0;
        await foreach (var key in StorageWalk.KeysAsync(raw, "", cancellationToken).ConfigureAwait(false))
        {
            if (BarrierKeys.OwnPaths.Contains(key) || key == MarkerPath
                || await raw.GetAsync(key, cancellationToken).ConfigureAwait(false) is not { } entry
                || barrier.IsEncrypted(key, entry.Value))
            {
                continue;
            }

            await barrier.PutAsync(entry, cancellationToken).ConfigureAwait(false);
            encrypted++;
        }

        await chain.WriteConfigAsync(config, cancellationToken).ConfigureAwait(false);
        await raw.DeleteAsync(MarkerPath, cancellationToken).ConfigureAwait(false);
        return (unsealKey, encrypted);
    }

    // The keys were written right after the marker: a crash between the two leaves no root key, or one the marker's key does not open.
    private async ValueTask<BarrierStorage> ResumeAsync(byte[] unsealKey, CancellationToken cancellationToken)
    {
        try
        {
            return await chain.OpenAsync(unsealKey, cancellationToken, initialized: false).ConfigureAwait(false);
        }
        catch (PluginHostException)
        {
            return await chain.CreateKeysAsync(unsealKey, cancellationToken).ConfigureAwait(false);
        }
    }
}
