using PluginHost.Tokens;

namespace PluginHost.Http.Auth;

/// <summary>Who sent a request: the root token's holder, or a login's token with its entry.</summary>
/// <param name="Token">The token as presented.</param>
/// <param name="Entry">The issued token's entry; null for the root token.</param>
internal sealed record Caller(string Token, TokenEntry? Entry)
{
    public bool IsRoot => Entry is null;
}
