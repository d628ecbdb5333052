using System.Text.Json.Serialization;

namespace PluginHost;

/// <summary>
/// The lease terms a secret and a login's token share (Vault's <c>logical.LeaseOptions</c>, embedded in both its
/// <c>Secret</c> and its <c>Auth</c>): how long, how long at most, and whether it can be renewed.
/// </summary>
public abstract record LeaseOptions
{
    /// <summary>How long it lives; zero for the mount's default (for a secret: no lease). Serialized as whole seconds.</summary>
    [JsonPropertyName("ttl")]
    [JsonConverter(typeof(SecondsTimeSpanConverter))]
    public TimeSpan Ttl { get; init; }

    /// <summary>The longest it may be renewed to; zero for the mount's maximum. Serialized as whole seconds.</summary>
    [JsonPropertyName("max_ttl")]
    [JsonConverter(typeof(SecondsTimeSpanConverter))]
    public TimeSpan MaxTtl { get; init; }

    /// <summary>Whether it can be renewed.</summary>
    [JsonPropertyName("renewable")]
    public bool Renewable { get; init; }
}
