using System.Text.Json.Serialization;

namespace PluginHost.Protocol;

/// <summary>The parameters of <see cref="ProtocolMethods.HandleRequest"/> and <see cref="ProtocolMethods.ExistenceCheck"/>.</summary>
public sealed record InstanceRequestParams
{
    /// <summary>The backend instance.</summary>
    [JsonPropertyName("instance_id")]
    public required string InstanceId { get; init; }

    /// <summary>The request, with its path relative to the mount.</summary>
    [JsonPropertyName("request")]
    public required BackendRequest Request { get; init; }
}
