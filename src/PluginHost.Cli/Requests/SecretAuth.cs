using PluginHost.Tokens;

namespace PluginHost.Cli.Requests;

/// <summary>
/// The <c>auth</c> block of an answer that carries a token (a login, <c>auth/token/create</c>, a renewal): Vault's
/// <c>api.SecretAuth</c>. Client mode reads it from the server's envelope; embedded mode makes it from the token the
/// host issued, the way the HTTP server writes it.
/// </summary>
internal sealed record SecretAuth
{
    /// <summary>The token itself; empty when the answer does not show it (a renewal by accessor).</summary>
    public string ClientToken { get; init; } = "";

    public string Accessor { get; init; } = "";

    public IReadOnlyList<string> Policies { get; init; } = [];

    public IReadOnlyList<string> TokenPolicies { get; init; } = [];

    public IReadOnlyList<string> IdentityPolicies { get; init; } = [];

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    public bool Orphan { get; init; }

    public string EntityId { get; init; } = "";

    /// <summary>The token's TTL in seconds; 0 for a token that never expires.</summary>
    public long LeaseDuration { get; init; }

    public bool Renewable { get; init; }

    /// <summary>The block for a token the embedded host issued: its TTL counts from its last renewal, as the HTTP server counts it.</summary>
    public static SecretAuth From(IssuedToken issued)
    {
        ArgumentNullException.ThrowIfNull(issued);
        var entry = issued.Entry;
        return new SecretAuth
        {
            ClientToken = issued.ClientToken,
            Accessor = entry.Accessor,
            Policies = entry.Policies,
            TokenPolicies = entry.Policies,
            Metadata = entry.Meta ?? new Dictionary<string, string>(),
            Orphan = entry.Orphan,
            LeaseDuration = (long)issued.LeaseDuration.TotalSeconds,
            Renewable = entry.Renewable,
        };
    }
}
