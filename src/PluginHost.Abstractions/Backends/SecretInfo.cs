using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost;

/// <summary>Lease information of a secret (Vault's <c>lease_duration</c> and <c>renewable</c>).</summary>
public sealed record SecretInfo
{
    /// <summary>How long the secret is valid; zero for no lease. Serialized as whole seconds.</summary>
    [JsonPropertyName("ttl")]
    [JsonConverter(typeof(SecondsTimeSpanConverter))]
    public TimeSpan Ttl { get; init; }

    /// <summary>The longest the lease may be renewed to; zero for the mount's maximum. Serialized as whole seconds.</summary>
    [JsonPropertyName("max_ttl")]
    [JsonConverter(typeof(SecondsTimeSpanConverter))]
    public TimeSpan MaxTtl { get; init; }

    /// <summary>Whether the lease can be renewed.</summary>
    [JsonPropertyName("renewable")]
    public bool Renewable { get; init; }

    /// <summary>Data the backend keeps for itself to renew or revoke the secret; never shown to the client.</summary>
    [JsonPropertyName("internal_data")]
    public IReadOnlyDictionary<string, JsonElement>? InternalData { get; init; }
}
