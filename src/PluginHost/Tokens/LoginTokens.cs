using Microsoft.Extensions.Options;
using PluginHost.Mounts;

namespace PluginHost.Tokens;

/// <summary>
/// Issues the token a successful login earns, as Vault's core does after an auth method answers: never a root token
/// (<c>auth methods cannot create root tokens</c>), the login's policies with <c>default</c> unless the method says
/// otherwise, a TTL capped by the method's max, the mount's <c>max_lease_ttl</c> and the host's
/// <see cref="PluginHostOptions.MaxLeaseTtl"/>, and a display name of mount and user (<c>userpass-alice</c>).
/// </summary>
internal sealed class LoginTokens(TokenStore tokens, IOptionsMonitor<PluginHostOptions> options)
{
    /// <summary>Issues the token of a login answered with <paramref name="auth"/> on <paramref name="path"/> of <paramref name="mount"/>.</summary>
    /// <returns>The token and a warning when its TTL was lowered.</returns>
    /// <exception cref="PluginHostException">The login grants the root policy (BadRequest).</exception>
    public async Task<(IssuedToken Token, string? Warning)> IssueAsync(AuthInfo auth, MountEntry mount, string path, CancellationToken cancellationToken)
    {
        var policies = PolicyList.Normalize(auth.Policies);
        if (policies.Contains(TokenStore.RootPolicy))
        {
            throw new PluginHostException(ErrorCode.BadRequest, "auth methods cannot create root tokens");
        }

        if (!auth.NoDefaultPolicy)
        {
            policies = PolicyList.Normalize([.. policies, Policies.DefaultPolicy.Name]);
        }

        var settings = options.CurrentValue;
        var (ttl, max, warning) = TokenTtl.Calculate(
            auth.Ttl, auth.MaxTtl, mount.Config.DefaultLeaseTtl, mount.Config.MaxLeaseTtl, settings.DefaultLeaseTtl, settings.MaxLeaseTtl);
        var (token, entry) = await tokens.CreateAsync(
            new TokenRequest
            {
                Policies = policies,
                Ttl = ttl,
                MaxTtl = max,
                DisplayName = mount.Path.TrimEnd('/').Replace('/', '-') + (auth.DisplayName.Length > 0 ? "-" + auth.DisplayName : ""),
                Path = path,
                Meta = auth.Metadata,
                Renewable = auth.Renewable,
                MountAccessor = mount.Accessor,
            },
            cancellationToken).ConfigureAwait(false);
        return (new IssuedToken(token, entry), warning);
    }
}
