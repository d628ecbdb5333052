using PluginHost.Policies;
using PluginHost.Tokens;

namespace PluginHost.Authorization;

/// <summary>Turns a <see cref="RequestCaller"/> into a <see cref="Principal"/>: looks its token up and compiles its policies.</summary>
internal sealed class RequestAuthenticator(TokenStore tokens, PolicyStore policies)
{
    private const int MaxCachedPrincipals = 10_000;
    private static readonly Principal ApplicationPrincipal =
        new(null, null, PolicyStore.RootAcl, "application", [RootPolicy.Name]);

    // The principal of each token served lately, reused while its entry and its policies are unchanged (bounded).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Principal> _principals = new(StringComparer.Ordinal);

    /// <summary>The caller, or null when it presented no token or one that is unknown, revoked or expired.</summary>
    public async ValueTask<Principal?> AuthenticateAsync(RequestCaller caller, CancellationToken cancellationToken)
    {
        switch (caller.Kind)
        {
            case CallerKind.Application:
                return ApplicationPrincipal;
            case CallerKind.Policies:
                var acl = await policies.AclOfAsync(caller.Policies, cancellationToken).ConfigureAwait(false);
                return new Principal(null, null, acl, caller.DisplayName, caller.Policies);
            default:
                if (caller.Token is not { Length: > 0 } token)
                {
                    return null;
                }

                // The common case: the token was served a moment ago, and neither it nor its policies changed since.
                if (tokens.TryGetCached(token, out var cached)
                    && _principals.TryGetValue(token, out var known)
                    && ReferenceEquals(known.Entry, cached)
                    && policies.IsCurrent(cached.Policies, known.Acl))
                {
                    return known;
                }

                if (await tokens.LookupAsync(token, cancellationToken).ConfigureAwait(false) is not { } entry)
                {
                    _principals.TryRemove(token, out _);
                    return null;
                }

                var tokenAcl = await policies.AclOfAsync(entry.Policies, cancellationToken).ConfigureAwait(false);
                var principal = new Principal(token, entry, tokenAcl, entry.DisplayName, entry.Policies);
                if (_principals.Count >= MaxCachedPrincipals)
                {
                    _principals.Clear();
                }

                _principals[token] = principal;
                return principal;
        }
    }

    /// <summary>The principal of another token (for <c>sys/capabilities</c>), or null when it is not valid.</summary>
    public ValueTask<Principal?> AuthenticateTokenAsync(string token, CancellationToken cancellationToken) =>
        AuthenticateAsync(RequestCaller.FromToken(token), cancellationToken);
}
