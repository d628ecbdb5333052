using System.Text.Json.Serialization;

namespace PluginHost.Tokens;

/// <summary>What the host knows of a token it issued (never the token itself: it is stored by its SHA-256).</summary>
public sealed record TokenEntry
{
    /// <summary>A public id of the token, safe to log and show (Vault's accessor).</summary>
    [JsonPropertyName("accessor")]
    public required string Accessor { get; init; }

    /// <summary>The policies the token carries.</summary>
    [JsonPropertyName("policies")]
    public IReadOnlyList<string> Policies { get; init; } = [];

    /// <summary>Who the token is for, such as <c>userpass-alice</c>.</summary>
    [JsonPropertyName("display_name")]
    public string DisplayName { get; init; } = "";

    /// <summary>The path that created it, such as <c>auth/userpass/login/alice</c>.</summary>
    [JsonPropertyName("path")]
    public string Path { get; init; } = "";

    /// <summary>The login's metadata, such as <c>username</c>.</summary>
    [JsonPropertyName("meta")]
    public IReadOnlyDictionary<string, string>? Meta { get; init; }

    /// <summary>When it was issued.</summary>
    [JsonPropertyName("creation_time")]
    public required DateTimeOffset CreationTime { get; init; }

    /// <summary>Its time to live when issued; <see cref="TimeSpan.Zero"/>: it never expires.</summary>
    [JsonPropertyName("creation_ttl")]
    public TimeSpan CreationTtl { get; init; }

    /// <summary>When it stops being valid, or null when it never does.</summary>
    [JsonIgnore]
    public DateTimeOffset? ExpireTime => CreationTtl > TimeSpan.Zero ? CreationTime + CreationTtl : null;
}
