using System.Text.Json.Serialization;

namespace PluginHost.Protocol;

/// <summary>The answer to <see cref="ProtocolMethods.Setup"/>: what the instance is.</summary>
public sealed record SetupResult
{
    /// <summary>The backend's type; the host refuses a mount whose table does not match.</summary>
    [JsonPropertyName("type")]
    public required BackendType Type { get; init; }

    /// <summary>The instance's unauthenticated and root paths.</summary>
    [JsonPropertyName("special_paths")]
    public SpecialPaths SpecialPaths { get; init; } = SpecialPaths.None;
}
