using PluginHost.Policies;
using PluginHost.Tokens;

namespace PluginHost.Authorization;

/// <summary>An authenticated caller: its token (if it has one), the token's entry, and the ACL of its policies.</summary>
/// <param name="Token">The token as presented; null for the application and for callers the application authenticated.</param>
/// <param name="Entry">The stored token's entry; null when there is no token.</param>
/// <param name="Acl">What the caller may do.</param>
/// <param name="DisplayName">Who it is, for audit entries and child tokens.</param>
/// <param name="Policies">Its policy names.</param>
internal sealed record Principal(string? Token, TokenEntry? Entry, Acl Acl, string DisplayName, IReadOnlyList<string> Policies)
{
    private System.Collections.Concurrent.ConcurrentDictionary<string, string>? _mountTokenIds;

    /// <summary>Whether the caller has every capability (the root policy, or the application itself).</summary>
    public bool IsRoot => Acl.IsRoot;

    /// <summary>The ids backends of the mounts this caller called were given for its token, by mount uuid (computed once each).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string> MountTokenIds =>
        LazyInitializer.EnsureInitialized(ref _mountTokenIds, () => new(StringComparer.Ordinal));
}
