using System.Text.Json.Serialization;

namespace PluginHost.Protocol;

/// <summary>The answer to <see cref="ProtocolMethods.Hello"/>: the protocol version both sides now speak.</summary>
public sealed record HelloResult
{
    /// <summary>The negotiated protocol version.</summary>
    [JsonPropertyName("protocol_version")]
    public required int ProtocolVersion { get; init; }

    /// <summary>The host's name and version, for logs.</summary>
    [JsonPropertyName("host")]
    public string? Host { get; init; }
}
