namespace PluginHost;

/// <summary>Walks an <see cref="IStorage"/> below a prefix, depth first in listing order, as Vault's <c>logical.CollectKeys</c> does.</summary>
internal static class StorageWalk
{
    /// <summary>Every key below <paramref name="prefix"/> (empty, or ending with <c>/</c>), in full, in listing order.</summary>
    public static async IAsyncEnumerable<string> KeysAsync(
        IStorage storage, string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var name in await storage.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            if (name.EndsWith('/'))
            {
                await foreach (var key in KeysAsync(storage, prefix + name, cancellationToken).ConfigureAwait(false))
                {
                    yield return key;
                }
            }
            else
            {
                yield return prefix + name;
            }
        }
    }
}
