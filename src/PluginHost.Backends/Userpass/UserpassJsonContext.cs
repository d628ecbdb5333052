using System.Text.Json.Serialization;

namespace PluginHost.Backends;

/// <summary>Source-generated JSON for stored users, so the backend also works in trimmed and NativeAOT plugins.</summary>
[JsonSerializable(typeof(UserEntry))]
internal sealed partial class UserpassJsonContext : JsonSerializerContext;
