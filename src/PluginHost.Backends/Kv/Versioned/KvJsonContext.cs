using System.Text.Json.Serialization;

namespace PluginHost.Backends;

/// <summary>Source-generated JSON for what kv v2 stores.</summary>
[JsonSerializable(typeof(KvConfig))]
[JsonSerializable(typeof(KvMetadata))]
internal sealed partial class KvJsonContext : JsonSerializerContext;
