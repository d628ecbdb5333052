using Microsoft.Extensions.Options;
using PluginHost.Mounts;
using PluginHost.Tokens;

namespace PluginHost.Http.Auth;

/// <summary>
/// Issues the token a successful login earns: the login's policies after Vault's <c>default</c>, its TTL (else the
/// mount's default lease TTL, else <see cref="PluginHostHttpOptions.DefaultTokenTtl"/>), and a display name of
/// mount and user (<c>userpass-alice</c>), as Vault's core does after an auth method answers.
/// </summary>
internal sealed class LoginTokens(TokenStore tokens, IOptions<PluginHostHttpOptions> options)
{
    public async Task<IssuedAuth> IssueAsync(AuthInfo auth, MountEntry mount, string path, CancellationToken cancellationToken)
    {
        var policies = auth.Policies.Contains("default") ? auth.Policies : ["default", .. auth.Policies];
        var ttl = auth.Ttl > TimeSpan.Zero ? auth.Ttl
            : mount.Config.DefaultLeaseTtl > TimeSpan.Zero ? mount.Config.DefaultLeaseTtl
            : options.Value.DefaultTokenTtl;
        var displayName = mount.Path.TrimEnd('/').Replace('/', '-') + (auth.DisplayName.Length > 0 ? "-" + auth.DisplayName : "");
        var (token, entry) = await tokens.CreateAsync(policies, ttl, displayName, path, auth.Metadata, cancellationToken).ConfigureAwait(false);
        return new IssuedAuth(token, entry, auth.Renewable);
    }
}
