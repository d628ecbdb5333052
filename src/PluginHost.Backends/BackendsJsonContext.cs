using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost.Backends;

/// <summary>Source-generated JSON for what the built-in backends store, so they also work in trimmed and NativeAOT plugins.</summary>
[JsonSerializable(typeof(UserEntry))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, JsonElement>))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonNode))]
[JsonSerializable(typeof(string))]
internal sealed partial class BackendsJsonContext : JsonSerializerContext;
