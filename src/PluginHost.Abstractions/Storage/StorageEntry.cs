using System.Text.Json.Serialization;

namespace PluginHost;

/// <summary>A value stored under a key.</summary>
/// <param name="Key">The <c>/</c>-separated key, relative to the storage (or view) it lives in.</param>
/// <param name="Value">The stored bytes. Serialized as base64 in JSON.</param>
public sealed record StorageEntry(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("value")] byte[] Value);
