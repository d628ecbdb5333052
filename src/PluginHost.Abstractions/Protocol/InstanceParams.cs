using System.Text.Json.Serialization;

namespace PluginHost.Protocol;

/// <summary>The parameters of calls about one backend instance: <see cref="ProtocolMethods.Cleanup"/>, and with <see cref="Key"/> <see cref="ProtocolMethods.InvalidateKey"/> and the storage calls.</summary>
public sealed record InstanceParams
{
    /// <summary>The backend instance; a call without one is refused naming the missing field.</summary>
    [JsonPropertyName("instance_id")]
    public string InstanceId { get; init; } = "";

    /// <summary>A storage key or list prefix relative to the instance's view, where the method takes one.</summary>
    [JsonPropertyName("key")]
    public string? Key { get; init; }

    /// <summary>The bytes to store, base64 in JSON, for <see cref="ProtocolMethods.StoragePut"/>.</summary>
    [JsonPropertyName("value")]
    public byte[]? Value { get; init; }
}
