using System.Text.Json.Serialization;

namespace PluginHost.Backends;

/// <summary>A userpass user as stored (JSON under <c>user/&lt;name&gt;</c>): the password hash and what a login grants.</summary>
internal sealed record UserEntry
{
    /// <summary>The password hash; the password itself is never stored.</summary>
    [JsonPropertyName("password_hash")]
    public required PasswordHash PasswordHash { get; init; }

    /// <summary>The token policies, normalized: trimmed, lower-case, sorted, without duplicates.</summary>
    [JsonPropertyName("policies")]
    public IReadOnlyList<string> Policies { get; init; } = [];

    /// <summary>The token TTL in seconds; zero for the mount's default.</summary>
    [JsonPropertyName("ttl")]
    public long TtlSeconds { get; init; }

    /// <summary>The token's maximum TTL in seconds; zero for the mount's maximum.</summary>
    [JsonPropertyName("max_ttl")]
    public long MaxTtlSeconds { get; init; }

    /// <summary>Whether the user's tokens are issued without the <c>default</c> policy.</summary>
    [JsonPropertyName("no_default_policy")]
    public bool NoDefaultPolicy { get; init; }
}
