using System.Text.Json.Serialization;

namespace PluginHost;

/// <summary>What a successful login through an auth method grants (Vault's <c>auth</c> block); the lease terms are the token's.</summary>
public sealed record AuthInfo : LeaseOptions
{
    /// <summary>A human-readable name for the identity, such as the user name.</summary>
    [JsonPropertyName("display_name")]
    public string DisplayName { get; init; } = "";

    /// <summary>The policies attached to the token this login earns, sorted, without duplicates.</summary>
    [JsonPropertyName("policies")]
    public IReadOnlyList<string> Policies { get; init; } = [];

    /// <summary>Metadata attached to the token (for example <c>username</c>).</summary>
    [JsonPropertyName("metadata")]
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether the token is issued without the <c>default</c> policy (Vault's <c>token_no_default_policy</c>).</summary>
    [JsonPropertyName("no_default_policy")]
    public bool NoDefaultPolicy { get; init; }

    /// <summary>The name of the identity within its auth method (the user name), for identity aliases.</summary>
    [JsonPropertyName("alias_name")]
    public string? AliasName { get; init; }
}
