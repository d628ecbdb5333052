using System.Text.Json;
using System.Text.Json.Serialization;

namespace PluginHost.Leases;

/// <summary>
/// One lease, as the expiration manager keeps it at <c>sys/expire/id/&lt;lease_id&gt;</c> (Vault's layout): what was
/// issued where, until when, for which token, and what the backend needs back to renew or revoke it.
/// </summary>
internal sealed record LeaseEntry
{
    /// <summary>Vault's <c>lease_id</c>: the request path, <c>/</c>, and a random id.</summary>
    [JsonPropertyName("lease_id")]
    public required string LeaseId { get; init; }

    /// <summary>The request path that issued the secret (the backend's mount and path).</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>When the lease was issued.</summary>
    [JsonPropertyName("issue_time")]
    public required DateTimeOffset IssueTime { get; init; }

    /// <summary>When it expires, and is revoked.</summary>
    [JsonPropertyName("expire_time")]
    public required DateTimeOffset ExpireTime { get; init; }

    /// <summary>When it was last renewed, or <see langword="null"/>.</summary>
    [JsonPropertyName("last_renewal_time")]
    public DateTimeOffset? LastRenewalTime { get; init; }

    /// <summary>The latest it may be renewed to: the issue time plus the mount's (or the system's) max TTL.</summary>
    [JsonPropertyName("max_expire_time")]
    public required DateTimeOffset MaxExpireTime { get; init; }

    /// <summary>Whether the backend lets it be renewed.</summary>
    [JsonPropertyName("renewable")]
    public bool Renewable { get; init; }

    /// <summary>What the backend asked to be given back at renew and revoke (Vault's <c>internal_data</c>).</summary>
    [JsonPropertyName("internal_data")]
    public IReadOnlyDictionary<string, JsonElement>? InternalData { get; init; }

    /// <summary>The accessor of the token the lease was issued to, or <see langword="null"/>; revoking that token revokes the lease.</summary>
    [JsonPropertyName("token_accessor")]
    public string? TokenAccessor { get; init; }

    /// <summary>How many revocations failed so far (it is retried with a growing delay).</summary>
    [JsonPropertyName("revoke_attempts")]
    public int RevokeAttempts { get; init; }

    /// <summary>Why the last revocation failed, or <see langword="null"/>.</summary>
    [JsonPropertyName("revoke_error")]
    public string? RevokeError { get; init; }

    /// <summary>The time left at <paramref name="now"/>, never negative.</summary>
    public TimeSpan TtlAt(DateTimeOffset now) => ExpireTime > now ? ExpireTime - now : TimeSpan.Zero;
}
