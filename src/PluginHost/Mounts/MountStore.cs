using System.Text.Json;

namespace PluginHost.Mounts;

/// <summary>Reads and writes the two mount tables in the host's storage: <c>core/mounts</c> and <c>core/auth</c>, as Vault keeps them.</summary>
internal sealed class MountStore(IStorage storage)
{
    public const string SecretTableKey = "core/mounts";
    public const string AuthTableKey = "core/auth";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    public static string KeyOf(BackendType table) => table == BackendType.Auth ? AuthTableKey : SecretTableKey;

    public async ValueTask<IReadOnlyList<MountEntry>> LoadAsync(BackendType table, CancellationToken cancellationToken)
    {
        var key = KeyOf(table);
        var stored = await storage.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize<MountEntry[]>(stored.Value, JsonOptions) ?? [];
        }
        catch (JsonException ex)
        {
            throw new PluginHostException(
                ErrorCode.Internal,
                $"the mount table in storage key '{key}' is corrupt and cannot be read: {ex.Message}; restore it from a backup",
                ex);
        }
    }

    public ValueTask SaveAsync(BackendType table, IEnumerable<MountEntry> entries, CancellationToken cancellationToken)
    {
        var sorted = entries.Where(e => e.Table == table).OrderBy(e => e.Path, StringComparer.Ordinal).ToArray();
        return storage.PutAsync(new StorageEntry(KeyOf(table), JsonSerializer.SerializeToUtf8Bytes(sorted, JsonOptions)), cancellationToken);
    }
}
