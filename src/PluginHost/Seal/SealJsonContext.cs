using System.Text.Json.Serialization;

namespace PluginHost.Seal;

/// <summary>Source-generated JSON for what the seal stores in the clear.</summary>
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
internal sealed partial class SealJsonContext : JsonSerializerContext;
