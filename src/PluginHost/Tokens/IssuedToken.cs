namespace PluginHost.Tokens;

/// <summary>A token the host issued for a request (a login's, or <c>auth/token/create</c>'s), for the answer's <c>auth</c> block.</summary>
/// <param name="ClientToken">The token itself: shown to its holder once, never stored.</param>
/// <param name="Entry">What the host keeps of it.</param>
public sealed record IssuedToken(string ClientToken, TokenEntry Entry)
{
    /// <summary>
    /// Vault's <c>lease_duration</c> of the answer: how long the token was given when issued or last renewed;
    /// <see cref="TimeSpan.Zero"/> for a token that never expires.
    /// </summary>
    public TimeSpan LeaseDuration => Entry.ExpireTime is { } expires ? expires - (Entry.LastRenewalTime ?? Entry.CreationTime) : TimeSpan.Zero;
}
