namespace PluginHost;

/// <summary>A key-value store with <c>/</c>-separated keys, such as the host's physical storage or one mount's view of it.</summary>
/// <remarks>
/// Keys are validated by <see cref="StorageKey.Validate"/>: no empty segments, no <c>.</c> or <c>..</c>, no NUL,
/// no leading slash, at most <see cref="StorageKey.MaxLength"/> characters. Implementations are safe for concurrent use.
/// </remarks>
public interface IStorage
{
    /// <summary>Reads the entry at <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entry, or <see langword="null"/> when the key does not exist.</returns>
    ValueTask<StorageEntry?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Creates or replaces an entry; the write is durable when the task completes.</summary>
    /// <param name="entry">The entry to store.</param>
    /// <param name="cancellationToken">Cancels the write before it starts.</param>
    /// <returns>A task that completes when the entry is stored.</returns>
    ValueTask PutAsync(StorageEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Deletes the entry at <paramref name="key"/>; deleting a missing key succeeds.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the delete before it starts.</param>
    /// <returns>A task that completes when the entry is gone.</returns>
    ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Lists the direct children of <paramref name="prefix"/>, sorted ordinally; folders end with <c>/</c>.</summary>
    /// <param name="prefix">The folder to list: empty for the root, else a key path (a trailing <c>/</c> is optional).</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The names of the children, relative to <paramref name="prefix"/>.</returns>
    ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default);
}
