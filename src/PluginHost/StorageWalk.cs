namespace PluginHost;

/// <summary>Walks an <see cref="IStorage"/> below a prefix, folder by folder, as Vault's <c>logical.CollectKeys</c> does.</summary>
internal static class StorageWalk
{
    /// <summary>Every key below <paramref name="prefix"/> (empty, or ending with <c>/</c>), in full.</summary>
    public static async IAsyncEnumerable<string> KeysAsync(
        IStorage storage, string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var folders = new Stack<string>([prefix]);
        while (folders.TryPop(out var folder))
        {
            foreach (var name in await storage.ListAsync(folder, cancellationToken).ConfigureAwait(false))
            {
                if (name.EndsWith('/'))
                {
                    folders.Push(folder + name);
                }
                else
                {
                    yield return folder + name;
                }
            }
        }
    }
}
