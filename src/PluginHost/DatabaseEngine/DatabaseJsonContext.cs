using System.Text.Json.Serialization;

namespace PluginHost.DatabaseEngine;

/// <summary>Source-generated JSON for what the <c>database</c> engine stores.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConnectionConfig))]
[JsonSerializable(typeof(RoleEntry))]
[JsonSerializable(typeof(StaticRoleEntry))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, System.Text.Json.JsonElement>))]
internal sealed partial class DatabaseJsonContext : JsonSerializerContext;
