using System.Text.Json;

namespace PluginHost.Mounts;

/// <summary>Reads and writes the two mount tables in the host's storage: <c>core/mounts</c> and <c>core/auth</c>, as Vault keeps them.</summary>
internal sealed class MountStore(IStorage storage)
{
    public const string SecretTableKey = "core/mounts";
    public const string AuthTableKey = "core/auth";

    public static string KeyOf(BackendType table) => table == BackendType.Auth ? AuthTableKey : SecretTableKey;

    /// <exception cref="PluginHostException">The stored table is unreadable or inconsistent (Internal), naming the key.</exception>
    public async ValueTask<IReadOnlyList<MountEntry>> LoadAsync(BackendType table, CancellationToken cancellationToken)
    {
        var key = KeyOf(table);
        var stored = await storage.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return [];
        }

        MountEntry[] entries;
        try
        {
            entries = JsonSerializer.Deserialize<MountEntry[]>(stored.Value) ?? [];
        }
        catch (JsonException ex)
        {
            throw Corrupt(key, ex.Message, ex);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.Table != table || !IsSanitized(entry.Path) || !seen.Add(entry.Path))
            {
                throw Corrupt(key, $"entry for \"{entry.Path}\" is duplicated, in the wrong table, or has an unsanitized path", null);
            }
        }

        return entries;
    }

    /// <exception cref="PluginHostException">Storage refused the write (Internal), wrapping its error; nothing changed.</exception>
    public async ValueTask SaveAsync(BackendType table, IEnumerable<MountEntry> entries, CancellationToken cancellationToken)
    {
        var key = KeyOf(table);
        var sorted = entries.Where(e => e.Table == table).OrderBy(e => e.Path, StringComparer.Ordinal).ToArray();
        try
        {
            await storage.PutAsync(new StorageEntry(key, JsonSerializer.SerializeToUtf8Bytes(sorted)), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not PluginHostException and not OperationCanceledException)
        {
            throw new PluginHostException(ErrorCode.Internal, $"could not save the mount table to storage key '{key}': {ex.Message}", ex);
        }
    }

    private static bool IsSanitized(string? path)
    {
        try
        {
            return path is not null && MountPaths.Sanitize(path) == path;
        }
        catch (PluginHostException)
        {
            return false;
        }
    }

    private static PluginHostException Corrupt(string key, string detail, Exception? inner) =>
        new(ErrorCode.Internal, $"the mount table in storage key '{key}' is corrupt and cannot be read: {detail}; restore it from a backup", inner);
}
