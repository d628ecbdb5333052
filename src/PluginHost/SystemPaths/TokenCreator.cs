using Microsoft.Extensions.Options;
using PluginHost.Authorization;
using PluginHost.Policies;
using PluginHost.Sdk;
using PluginHost.Tokens;

namespace PluginHost.SystemPaths;

/// <summary>
/// <c>auth/token/create</c> with Vault's rules: a child's policies are a subset of its parent's unless the caller is
/// root or has sudo on the path; only a root parent makes root tokens; only root chooses a token's id; orphans need
/// root or sudo; the TTL follows Vault's arithmetic and a child never outlives its parent.
/// </summary>
internal sealed class TokenCreator(TokenStore tokens, IOptionsMonitor<PluginHostOptions> options)
{
    public async Task<IssuedToken> CreateAsync(Principal caller, FieldData fields, bool orphan, string path, CancellationToken cancellationToken)
    {
        RefuseUnsupported(fields);
        var sudo = caller.IsRoot || caller.Acl.CapabilitiesOf(path).HasFlag(Capabilities.Sudo);
        var policies = fields.IsSet("policies") ? PolicyList.Normalize(fields.GetStrings("policies")) : PolicyList.Normalize(caller.Policies);
        if (policies.Contains(TokenStore.RootPolicy) && !caller.IsRoot)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "root tokens may not be created without parent token being root");
        }

        if (!sudo && policies.Except([DefaultPolicy.Name], StringComparer.Ordinal).Except(caller.Policies, StringComparer.Ordinal).Any())
        {
            throw new PluginHostException(ErrorCode.BadRequest, "child policies must be subset of parent");
        }

        if (fields.IsSet("id") && fields.GetString("id").Length > 0 && !caller.IsRoot)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "root or sudo privileges required to specify token id");
        }

        // create-orphan does not declare no_parent (it is an orphan either way): ask only on create.
        orphan = orphan || (fields.IsSet("no_parent") && fields.GetBool("no_parent"));
        if (orphan && !sudo)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "root or sudo privileges required to create orphan token");
        }

        if (policies.Contains(TokenStore.RootPolicy))
        {
            // A root token carries root alone: any other policy would add nothing.
            policies = [TokenStore.RootPolicy];
        }
        else if (!fields.IsSet("no_default_policy") || !fields.GetBool("no_default_policy"))
        {
            policies = PolicyList.Normalize([.. policies, DefaultPolicy.Name]);
        }

        var settings = options.CurrentValue;
        var explicitMax = fields.GetDuration("explicit_max_ttl");
        var (ttl, max, _) = TokenTtl.Calculate(fields.GetDuration("ttl"), explicitMax, TimeSpan.Zero, TimeSpan.Zero, settings.DefaultLeaseTtl, settings.MaxLeaseTtl);

        // A root token that asked for no TTL never expires, as Vault's root tokens.
        var neverExpires = policies.Contains(TokenStore.RootPolicy) && !fields.IsSet("ttl") && explicitMax == TimeSpan.Zero;
        var parent = orphan ? null : caller.Entry;
        var displayName = fields.GetString("display_name") is { Length: > 0 } name ? "token-" + name : "token";
        var meta = fields.IsSet("meta") ? fields.GetMap("meta").ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal) : null;
        var (token, entry) = await tokens.CreateAsync(
            new TokenRequest
            {
                Policies = policies,
                Ttl = neverExpires ? TimeSpan.Zero : ttl,
                MaxTtl = neverExpires ? TimeSpan.Zero : max,
                ExplicitMaxTtl = explicitMax,
                NotAfter = parent?.ExpireTime,
                DisplayName = displayName,
                Path = path,
                Meta = meta,
                Renewable = !fields.IsSet("renewable") || fields.GetBool("renewable"),
                ParentAccessor = parent?.Accessor,
                Id = fields.GetString("id") is { Length: > 0 } id ? id : null,
            },
            cancellationToken).ConfigureAwait(false);
        return new IssuedToken(token, entry);
    }

    // Accepted by Vault, not by PluginHost yet: refused rather than silently ignored, since each changes what a token may do.
    private static void RefuseUnsupported(FieldData fields)
    {
        if (fields.IsSet("num_uses") && fields.GetInt("num_uses") != 0)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "num_uses is not supported by PluginHost; leave it out (tokens have unlimited uses)");
        }

        if (fields.IsSet("period") && fields.GetDuration("period") != TimeSpan.Zero)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "periodic tokens are not supported by PluginHost; give ttl and explicit_max_ttl instead");
        }

        if (fields.IsSet("type") && fields.GetString("type") is not ("" or "service" or "default"))
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"token type '{fields.GetString("type")}' is not supported by PluginHost; only service tokens are");
        }
    }
}
