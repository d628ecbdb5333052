namespace PluginHost.Tests.Backends;

/// <summary>A test-only <see cref="IStorage"/> over a sorted dictionary that follows the <see cref="StorageKey"/> rules.</summary>
public sealed class DictionaryStorage : IStorage
{
    private readonly SortedDictionary<string, byte[]> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public IReadOnlyList<string> Keys
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries.Keys];
            }
        }
    }

    public ValueTask<StorageEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        lock (_lock)
        {
            return ValueTask.FromResult(_entries.TryGetValue(key, out var value) ? new StorageEntry(key, [.. value]) : null);
        }
    }

    public ValueTask PutAsync(StorageEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        StorageKey.Validate(entry.Key);
        lock (_lock)
        {
            _entries[entry.Key] = [.. entry.Value];
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        StorageKey.Validate(key);
        lock (_lock)
        {
            _entries.Remove(key);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var folder = StorageKey.NormalizePrefix(prefix);
        var children = new SortedSet<string>(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var key in _entries.Keys.Where(k => k.StartsWith(folder, StringComparison.Ordinal)))
            {
                var rest = key[folder.Length..];
                var slash = rest.IndexOf('/', StringComparison.Ordinal);
                children.Add(slash < 0 ? rest : rest[..(slash + 1)]);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<string>>([.. children]);
    }
}
