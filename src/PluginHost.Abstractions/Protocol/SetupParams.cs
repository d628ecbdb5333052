using System.Text.Json.Serialization;

namespace PluginHost.Protocol;

/// <summary>The parameters of <see cref="ProtocolMethods.Setup"/>: one mount's backend instance.</summary>
public sealed record SetupParams
{
    /// <summary>The id of the backend instance; every later call for this mount carries it.</summary>
    [JsonPropertyName("instance_id")]
    public required string InstanceId { get; init; }

    /// <summary>Whether the mount is a secrets engine or an auth method.</summary>
    [JsonPropertyName("type")]
    public required BackendType Type { get; init; }

    /// <summary>The mount path, with its trailing slash.</summary>
    [JsonPropertyName("mount_path")]
    public required string MountPath { get; init; }

    /// <summary>The mount's stable uuid.</summary>
    [JsonPropertyName("backend_uuid")]
    public required string BackendUuid { get; init; }

    /// <summary>The mount's options.</summary>
    [JsonPropertyName("options")]
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
}
