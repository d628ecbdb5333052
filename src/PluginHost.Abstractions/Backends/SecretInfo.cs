using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost;

/// <summary>A secret's lease (Vault's <c>lease_duration</c> and <c>renewable</c>) and what the backend keeps to renew or revoke it.</summary>
public sealed record SecretInfo : LeaseOptions
{
    /// <summary>Data the backend keeps for itself to renew or revoke the secret; never shown to the client.</summary>
    [JsonPropertyName("internal_data")]
    public IReadOnlyDictionary<string, JsonElement>? InternalData { get; init; }
}
