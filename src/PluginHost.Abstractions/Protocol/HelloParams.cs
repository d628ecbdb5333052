using System.Text.Json.Serialization;

namespace PluginHost.Protocol;

/// <summary>The parameters of <see cref="ProtocolMethods.Hello"/>: who the plugin is and what it speaks.</summary>
public sealed record HelloParams
{
    /// <summary>The value of <see cref="PluginEnvironment.Token"/>; a wrong or missing token ends the launch.</summary>
    /// <remarks>Optional in the type so that a hello without it is refused with a clear error rather than failing to deserialize.</remarks>
    [JsonPropertyName("token")]
    public string? Token { get; init; }

    /// <summary>The protocol versions the plugin speaks; the host picks the highest it shares.</summary>
    /// <remarks>None (missing or empty) is refused as "no common protocol version".</remarks>
    [JsonPropertyName("protocol_versions")]
    public IReadOnlyList<int> ProtocolVersions { get; init; } = [];

    /// <summary>The plugin's own name, for logs.</summary>
    [JsonPropertyName("plugin_name")]
    public string? PluginName { get; init; }

    /// <summary>The plugin's own version, for logs.</summary>
    [JsonPropertyName("plugin_version")]
    public string? PluginVersion { get; init; }

    /// <summary>The SDK (and its version) the plugin is built with, such as <c>PluginHost.Sdk/0.1.0</c> or <c>python</c>.</summary>
    [JsonPropertyName("sdk")]
    public string? Sdk { get; init; }
}
