using System.Text.Json;

namespace PluginHost.Backends;

/// <summary>A kv secret's data: one JSON object, stored as written.</summary>
internal static class KvData
{
    /// <summary>The bytes kept for <paramref name="data"/>.</summary>
    public static byte[] Serialize(IReadOnlyDictionary<string, JsonElement> data) =>
        JsonSerializer.SerializeToUtf8Bytes(data, BackendsJsonContext.Default.IReadOnlyDictionaryStringJsonElement);

    /// <summary>The object stored in <paramref name="entry"/>.</summary>
    /// <exception cref="PluginHostException">The stored value is not a JSON object.</exception>
    public static Dictionary<string, JsonElement> Parse(StorageEntry entry)
    {
        try
        {
            return JsonSerializer.Deserialize(entry.Value, BackendsJsonContext.Default.DictionaryStringJsonElement)
                ?? throw new JsonException("the stored value is JSON null");
        }
        catch (JsonException e)
        {
            throw new PluginHostException(ErrorCode.Internal,
                $"stored value at '{entry.Key}' is not a JSON object ({e.Message}); write the key again or delete it", e);
        }
    }
}
