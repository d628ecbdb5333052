using System.Text.Json.Serialization;

namespace PluginHost.Tokens;

/// <summary>What the host knows of a token it issued (never the token itself: it is stored by its SHA-256).</summary>
public sealed record TokenEntry
{
    /// <summary>A public id of the token, safe to log and show (Vault's accessor).</summary>
    [JsonPropertyName("accessor")]
    public required string Accessor { get; init; }

    /// <summary>The policies the token carries, sorted, <c>default</c> included unless it was left out at creation.</summary>
    [JsonPropertyName("policies")]
    public IReadOnlyList<string> Policies { get; init; } = [];

    /// <summary>Who the token is for, such as <c>userpass-alice</c>.</summary>
    [JsonPropertyName("display_name")]
    public string DisplayName { get; init; } = "";

    /// <summary>The path that created it, such as <c>auth/userpass/login/alice</c> or <c>auth/token/create</c>.</summary>
    [JsonPropertyName("path")]
    public string Path { get; init; } = "";

    /// <summary>The login's or creator's metadata, such as <c>username</c>.</summary>
    [JsonPropertyName("meta")]
    public IReadOnlyDictionary<string, string>? Meta { get; init; }

    /// <summary>When it was issued.</summary>
    [JsonPropertyName("creation_time")]
    public required DateTimeOffset CreationTime { get; init; }

    /// <summary>Its time to live when issued; <see cref="TimeSpan.Zero"/>: it never expires.</summary>
    [JsonPropertyName("creation_ttl")]
    public TimeSpan CreationTtl { get; init; }

    /// <summary>When it stops being valid, or null when it never does. Moved by renewals, never past <see cref="MaxExpireTime"/>.</summary>
    [JsonPropertyName("expire_time")]
    public DateTimeOffset? ExpireTime { get; init; }

    /// <summary>The latest a renewal may move <see cref="ExpireTime"/> to (the effective max TTL from creation), or null for no cap.</summary>
    [JsonPropertyName("max_expire_time")]
    public DateTimeOffset? MaxExpireTime { get; init; }

    /// <summary>The max TTL given explicitly at creation (Vault's <c>explicit_max_ttl</c>); zero when none was.</summary>
    [JsonPropertyName("explicit_max_ttl")]
    public TimeSpan ExplicitMaxTtl { get; init; }

    /// <summary>Whether the holder may renew it.</summary>
    [JsonPropertyName("renewable")]
    public bool Renewable { get; init; }

    /// <summary>When it was last renewed, or null.</summary>
    [JsonPropertyName("last_renewal_time")]
    public DateTimeOffset? LastRenewalTime { get; init; }

    /// <summary>The accessor of the token that created it, or null for an orphan (revoking a parent revokes its children).</summary>
    [JsonPropertyName("parent_accessor")]
    public string? ParentAccessor { get; init; }

    /// <summary>The accessor of the auth mount that issued it (a login's), or null.</summary>
    [JsonPropertyName("mount_accessor")]
    public string? MountAccessor { get; init; }

    /// <summary>Whether it has no parent.</summary>
    [JsonIgnore]
    public bool Orphan => ParentAccessor is null;

    /// <summary>Whether it carries the <c>root</c> policy.</summary>
    [JsonIgnore]
    public bool IsRoot => Policies.Contains(TokenStore.RootPolicy);

    /// <summary>The seconds it has left at <paramref name="now"/>; 0 when it never expires.</summary>
    /// <param name="now">The current time.</param>
    /// <returns>Whole seconds, never negative.</returns>
    public long TtlSecondsAt(DateTimeOffset now) => ExpireTime is { } expires ? Math.Max(0, (long)(expires - now).TotalSeconds) : 0;
}
