using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace PluginHost.Backends;

/// <summary>
/// Where kv v2 keeps things in the mount's storage view, all below one folder (<see cref="Root"/>) so a mount upgraded
/// from version 1 can move its keys there one by one: the mount's settings, each key's metadata under its own path
/// (so the metadata can be listed folder by folder), and each version's data under a digest of the key's path.
/// </summary>
internal sealed class KvStore(Func<IStorage> storage)
{
    /// <summary>The folder of everything version 2 stores.</summary>
    public const string Root = ".kv-v2/";

    private const string ConfigKey = Root + "config";
    private const string UpgradedKey = Root + "upgraded";
    private const string MetadataFolder = Root + "metadata/";
    private const string VersionsFolder = Root + "versions/";

    /// <summary>The mount's settings, or the defaults when none were written.</summary>
    public async ValueTask<KvConfig> GetConfigAsync(CancellationToken cancellationToken) =>
        await GetAsync(ConfigKey, KvJsonContext.Default.KvConfig, cancellationToken).ConfigureAwait(false) ?? new KvConfig();

    /// <summary>Replaces the mount's settings.</summary>
    public ValueTask PutConfigAsync(KvConfig config, CancellationToken cancellationToken) =>
        PutAsync(ConfigKey, config, KvJsonContext.Default.KvConfig, cancellationToken);

    /// <summary>Whether the mount's version 1 keys have all been moved into version 2's layout (or there were none).</summary>
    public async ValueTask<bool> IsUpgradedAsync(CancellationToken cancellationToken) =>
        await storage().GetAsync(UpgradedKey, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>Records that the upgrade from version 1 finished.</summary>
    public ValueTask MarkUpgradedAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        storage().PutAsync(new StorageEntry(UpgradedKey, Encoding.UTF8.GetBytes(KvTime.Format(now))), cancellationToken);

    /// <summary>The metadata of <paramref name="key"/>, or <see langword="null"/> when the key has none.</summary>
    public ValueTask<KvMetadata?> GetMetadataAsync(string key, CancellationToken cancellationToken) =>
        GetAsync(MetadataFolder + key, KvJsonContext.Default.KvMetadata, cancellationToken);

    /// <summary>Writes the metadata of its key.</summary>
    public ValueTask PutMetadataAsync(KvMetadata metadata, CancellationToken cancellationToken) =>
        PutAsync(MetadataFolder + metadata.Key, metadata, KvJsonContext.Default.KvMetadata, cancellationToken);

    /// <summary>Deletes the metadata of <paramref name="key"/>.</summary>
    public ValueTask DeleteMetadataAsync(string key, CancellationToken cancellationToken) =>
        storage().DeleteAsync(MetadataFolder + key, cancellationToken);

    /// <summary>The keys and folders with metadata directly below <paramref name="folder"/> (empty for the top).</summary>
    public async ValueTask<IReadOnlyList<string>> ListAsync(string folder, CancellationToken cancellationToken) =>
        await storage().ListAsync(MetadataFolder + folder, cancellationToken).ConfigureAwait(false);

    /// <summary>The data of one version, or <see langword="null"/> when it is gone.</summary>
    public async ValueTask<Dictionary<string, JsonElement>?> GetVersionAsync(string key, long version, CancellationToken cancellationToken)
    {
        var entry = await storage().GetAsync(VersionKey(key, version), cancellationToken).ConfigureAwait(false);
        return entry is null ? null : KvData.Parse(entry);
    }

    /// <summary>Writes the data of one version.</summary>
    public ValueTask PutVersionAsync(string key, long version, IReadOnlyDictionary<string, JsonElement> data, CancellationToken cancellationToken) =>
        storage().PutAsync(new StorageEntry(VersionKey(key, version), KvData.Serialize(data)), cancellationToken);

    /// <summary>Deletes the data of one version.</summary>
    public ValueTask DeleteVersionAsync(string key, long version, CancellationToken cancellationToken) =>
        storage().DeleteAsync(VersionKey(key, version), cancellationToken);

    // A digest, not the path: a key's versions never mix with another key's whose path extends it (a/b vs a/b/1).
    private static string VersionKey(string key, long version) =>
        $"{VersionsFolder}{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}/{version}";

    private async ValueTask<T?> GetAsync<T>(string key, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var entry = await storage().GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(entry.Value, type) ?? throw new JsonException("the stored value is JSON null");
        }
        catch (JsonException e)
        {
            throw new PluginHostException(ErrorCode.Internal, $"stored kv entry '{key}' is not readable ({e.Message})", e);
        }
    }

    private ValueTask PutAsync<T>(string key, T value, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        storage().PutAsync(new StorageEntry(key, JsonSerializer.SerializeToUtf8Bytes(value, type)), cancellationToken);
}
