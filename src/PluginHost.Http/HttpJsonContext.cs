using System.Text.Json.Serialization;

namespace PluginHost.Http;

/// <summary>Source-generated JSON for the few values the HTTP layer builds itself.</summary>
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;
