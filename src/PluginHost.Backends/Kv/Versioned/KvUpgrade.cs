namespace PluginHost.Backends;

/// <summary>
/// Moves a kv version 1 mount's keys into version 2's layout, each as its version 1, as Vault's upgrade does: walk
/// the keys folder by folder (memory bounded by one folder's listing), write each key's version and metadata, then
/// delete the old key. Stopped at any point, the next run finishes the keys not yet moved; a key moved but not yet
/// deleted is moved again with the same data.
/// </summary>
internal sealed class KvUpgrade(IStorage storage, KvStore store, TimeProvider time)
{
    /// <summary>Whether the mount holds any key outside version 2's folder.</summary>
    public async ValueTask<bool> HasVersionOneKeysAsync(CancellationToken cancellationToken) =>
        (await storage.ListAsync("", cancellationToken).ConfigureAwait(false)).Any(k => k != KvStore.Root);

    /// <summary>Moves every version 1 key, marks the mount upgraded, and returns how many keys were moved.</summary>
    public async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        var moved = await MoveFolderAsync("", cancellationToken).ConfigureAwait(false);
        await store.MarkUpgradedAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return moved;
    }

    private async Task<long> MoveFolderAsync(string folder, CancellationToken cancellationToken)
    {
        long moved = 0;
        foreach (var name in await storage.ListAsync(folder, cancellationToken).ConfigureAwait(false))
        {
            var key = folder + name;
            if (key == KvStore.Root)
            {
                continue;
            }

            if (name.EndsWith('/'))
            {
                moved += await MoveFolderAsync(key, cancellationToken).ConfigureAwait(false);
            }
            else if (await storage.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                await MoveKeyAsync(entry, cancellationToken).ConfigureAwait(false);
                moved++;
            }
        }

        return moved;
    }

    private async Task MoveKeyAsync(StorageEntry entry, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var meta = new KvMetadata { Key = entry.Key, CreatedTime = now, UpdatedTime = now, OldestVersion = 1 };
        meta.AddVersion(now, new KvConfig());
        await store.PutVersionAsync(entry.Key, 1, KvData.Parse(entry), cancellationToken).ConfigureAwait(false);
        await store.PutMetadataAsync(meta, cancellationToken).ConfigureAwait(false);
        await storage.DeleteAsync(entry.Key, cancellationToken).ConfigureAwait(false);
    }
}
