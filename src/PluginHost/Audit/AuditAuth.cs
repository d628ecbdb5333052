namespace PluginHost.Audit;

/// <summary>A token as an audit entry shows it (Vault's <c>auth</c> block): the raw token and accessor, hashed when written.</summary>
internal sealed record AuditAuth
{
    /// <summary>The raw token; written hashed unless the device logs raw.</summary>
    public string? ClientToken { get; init; }

    /// <summary>The raw accessor; written hashed when the device's <c>hmac_accessor</c> is true (the default).</summary>
    public string? Accessor { get; init; }

    /// <summary>Who the token is for.</summary>
    public string DisplayName { get; init; } = "";

    /// <summary>All the token's policies.</summary>
    public IReadOnlyList<string> Policies { get; init; } = [];

    /// <summary>The policies attached to the token itself.</summary>
    public IReadOnlyList<string> TokenPolicies { get; init; } = [];

    /// <summary>The login's metadata; written as it is (Vault does not hash it).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The token's TTL in seconds; 0 (never expires) is left out, as Vault's omitempty does.</summary>
    public long TokenTtlSeconds { get; init; }

    /// <summary>When the token was issued.</summary>
    public DateTimeOffset? TokenIssueTime { get; init; }

    /// <summary>Vault's token type: <c>service</c> or <c>batch</c>.</summary>
    public string TokenType { get; init; } = "service";
}
