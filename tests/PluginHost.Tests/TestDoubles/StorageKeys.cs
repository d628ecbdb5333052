namespace PluginHost.Tests.TestDoubles;

/// <summary>Reads every key of an <see cref="IStorage"/>, for tests that assert on what a backend or the catalog stored.</summary>
internal static class StorageKeys
{
    /// <summary>Every stored key, sorted ordinally, found by walking <see cref="IStorage.ListAsync"/> from the root.</summary>
    public static async Task<IReadOnlyList<string>> AllKeysAsync(this IStorage storage)
    {
        var keys = new List<string>();
        await CollectAsync(storage, "", keys).ConfigureAwait(false);
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    private static async Task CollectAsync(IStorage storage, string folder, List<string> keys)
    {
        foreach (var child in await storage.ListAsync(folder).ConfigureAwait(false))
        {
            if (child.EndsWith('/'))
            {
                await CollectAsync(storage, folder + child, keys).ConfigureAwait(false);
            }
            else
            {
                keys.Add(folder + child);
            }
        }
    }
}
