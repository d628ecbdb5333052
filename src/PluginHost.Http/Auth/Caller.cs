using PluginHost.Tokens;

namespace PluginHost.Http.Auth;

/// <summary>Who sent a request: the configured root token's holder, or a stored token's (a login's, or a stored root token).</summary>
/// <param name="Token">The token as presented.</param>
/// <param name="Entry">The stored token's entry; null for the configured root token.</param>
internal sealed record Caller(string Token, TokenEntry? Entry)
{
    /// <summary>The configured root token, or a stored token with the <c>root</c> policy.</summary>
    public bool IsRoot => Entry is null || Entry.Policies.Contains(TokenStore.RootPolicy);

    /// <summary>The configured root token, which is not in the store and so cannot be revoked.</summary>
    public bool IsConfiguredRoot => Entry is null;
}
