using System.Collections.Immutable;

namespace PluginHost.Storage;

/// <summary>An <see cref="IStorage"/> that keeps everything in memory; the data is lost when the instance goes away.</summary>
/// <remarks>
/// Safe for concurrent use: writers swap an immutable sorted snapshot atomically, so readers never lock and always see a
/// consistent state. Values are copied on the way in and out, so callers cannot change stored bytes.
/// </remarks>
public sealed class InMemoryStorage : IStorage, INamedStorage
{
    private ImmutableSortedDictionary<string, byte[]> _entries = ImmutableSortedDictionary.Create<string, byte[]>(StringComparer.Ordinal);

    /// <inheritdoc/>
    public string StorageType => "inmem";

    /// <inheritdoc/>
    public ValueTask<StorageEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        cancellationToken.ThrowIfCancellationRequested();
        var entry = Volatile.Read(ref _entries).TryGetValue(key, out var value) ? new StorageEntry(key, [.. value]) : null;
        return ValueTask.FromResult(entry);
    }

    /// <inheritdoc/>
    public ValueTask PutAsync(StorageEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.Value);
        StorageKey.Validate(entry.Key);
        cancellationToken.ThrowIfCancellationRequested();
        byte[] copy = [.. entry.Value];
        ImmutableInterlocked.Update(ref _entries, static (entries, item) => entries.SetItem(item.Key, item.Value), (entry.Key, Value: copy));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        cancellationToken.ThrowIfCancellationRequested();
        ImmutableInterlocked.Update(ref _entries, static (entries, k) => entries.Remove(k), key);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var folder = StorageKey.NormalizePrefix(prefix);
        cancellationToken.ThrowIfCancellationRequested();
        var children = new SortedSet<string>(StringComparer.Ordinal);
        var inFolder = false;
        foreach (var key in Volatile.Read(ref _entries).Keys)
        {
            if (!key.StartsWith(folder, StringComparison.Ordinal))
            {
                // Keys are sorted ordinally, so the keys under one prefix are contiguous: stop after leaving them.
                if (inFolder)
                {
                    break;
                }

                continue;
            }

            inFolder = true;
            var rest = key.AsSpan(folder.Length);
            var slash = rest.IndexOf('/');
            children.Add(slash < 0 ? rest.ToString() : rest[..(slash + 1)].ToString());
        }

        return ValueTask.FromResult<IReadOnlyList<string>>([.. children]);
    }
}
