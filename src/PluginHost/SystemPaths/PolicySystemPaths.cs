using System.Text;
using System.Text.RegularExpressions;
using PluginHost.Authorization;
using PluginHost.Policies;
using PluginHost.Sdk;
using PluginHost.Tokens;

namespace PluginHost.SystemPaths;

/// <summary>
/// Vault's policy and capability paths under <c>sys/</c>: <c>policy</c> (the legacy API: list, read, write, delete),
/// <c>policies/acl</c> (the current one), <c>capabilities-self</c>, <c>capabilities</c> and <c>capabilities-accessor</c>.
/// </summary>
internal sealed partial class PolicySystemPaths(PolicyStore policies, RequestAuthenticator authenticator, TokenStore tokens)
{
    private static readonly IReadOnlyDictionary<string, FieldSchema> PolicyFields = new Dictionary<string, FieldSchema>(StringComparer.Ordinal)
    {
        ["name"] = new() { Type = FieldType.String, Description = "The policy's name." },
        ["policy"] = new() { Type = FieldType.String, Description = "The policy's rules, in HCL or JSON (may be base64-encoded)." },
        ["rules"] = new() { Type = FieldType.String, Description = "Deprecated: the policy's rules ('policy' is the current name)." },
    };

    private static readonly IReadOnlyDictionary<string, FieldSchema> CapabilityFields = new Dictionary<string, FieldSchema>(StringComparer.Ordinal)
    {
        ["paths"] = new() { Type = FieldType.CommaStringSlice, Description = "The paths to report the capabilities on." },
        ["path"] = new() { Type = FieldType.CommaStringSlice, Description = "Deprecated: use 'paths'." },
        ["token"] = new() { Type = FieldType.String, Description = "The token whose capabilities are reported." },
        ["accessor"] = new() { Type = FieldType.String, Description = "The accessor of the token whose capabilities are reported." },
    };

    /// <summary>The routes, relative to <c>sys/</c>.</summary>
    public IEnumerable<PathRoute> Routes =>
    [
        new PathRoute
        {
            Pattern = LegacyListPattern(),
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.Read] = ListLegacyAsync, [Operation.List] = ListLegacyAsync },
            Synopsis = "Lists the policies (legacy API: 'policies' and 'keys').",
        },
        PolicyRoute(LegacyPolicyPattern(), legacy: true),
        new PathRoute
        {
            Pattern = AclListPattern(),
            Handlers = new Dictionary<Operation, PathHandler> { [Operation.List] = ListAsync },
            Synopsis = "Lists the ACL policies.",
        },
        PolicyRoute(AclPolicyPattern(), legacy: false),
        CapabilitiesRoute(CapabilitiesSelfPattern(), "Reports the calling token's capabilities on paths.", SelfAsync),
        CapabilitiesRoute(CapabilitiesPattern(), "Reports a token's capabilities on paths.", OfTokenAsync),
        CapabilitiesRoute(CapabilitiesAccessorPattern(), "Reports the capabilities on paths of the token with an accessor.", OfAccessorAsync),
    ];

    private PathRoute PolicyRoute(Regex pattern, bool legacy) => new()
    {
        Pattern = pattern,
        Fields = PolicyFields,
        Handlers = new Dictionary<Operation, PathHandler>
        {
            [Operation.Read] = (_, fields, ct) => ReadAsync(fields, legacy, ct),
            [Operation.Update] = (_, fields, ct) => WriteAsync(fields, legacy, ct),
            [Operation.Create] = (_, fields, ct) => WriteAsync(fields, legacy, ct),
            [Operation.Delete] = DeleteAsync,
        },
        Synopsis = "Reads, writes or deletes an ACL policy.",
        Description = "Write the rules in 'policy' (HCL or JSON). 'root' cannot be changed; 'root' and 'default' cannot be deleted.",
    };

    private static PathRoute CapabilitiesRoute(Regex pattern, string synopsis, PathHandler handler) => new()
    {
        Pattern = pattern,
        Fields = CapabilityFields,
        Handlers = new Dictionary<Operation, PathHandler> { [Operation.Update] = handler, [Operation.Create] = handler },
        Synopsis = synopsis,
    };

    private async ValueTask<BackendResponse?> ListLegacyAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var names = await policies.ListAsync(cancellationToken).ConfigureAwait(false);
        return BackendResponse.WithData([new("keys", names), new("policies", names)]);
    }

    private async ValueTask<BackendResponse?> ListAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
        BackendResponse.ForList(await policies.ListAsync(cancellationToken).ConfigureAwait(false));

    private async ValueTask<BackendResponse?> ReadAsync(FieldData fields, bool legacy, CancellationToken cancellationToken)
    {
        var policy = await policies.GetAsync(fields.GetString("name"), cancellationToken).ConfigureAwait(false);
        return policy is null ? null : BackendResponse.WithData([new("name", policy.Name), new(legacy ? "rules" : "policy", policy.Text)]);
    }

    private async ValueTask<BackendResponse?> WriteAsync(FieldData fields, bool legacy, CancellationToken cancellationToken)
    {
        var text = fields.GetString("policy") is { Length: > 0 } given ? given : fields.GetString("rules");
        if (text.Length == 0)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "'policy' parameter not supplied or empty");
        }

        await policies.PutAsync(fields.GetString("name"), legacy ? text : DecodeBase64(text), cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async ValueTask<BackendResponse?> DeleteAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        await policies.DeleteAsync(fields.GetString("name"), cancellationToken).ConfigureAwait(false);
        return null;
    }

    private static ValueTask<BackendResponse?> SelfAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken) =>
        ValueTask.FromResult<BackendResponse?>(Report(CoreRequestScope.Current.Caller ?? throw AccessCheck.Denied(), fields));

    private async ValueTask<BackendResponse?> OfTokenAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var token = fields.GetString("token");
        if (token.Length == 0)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "missing token");
        }

        var principal = await authenticator.AuthenticateTokenAsync(token, cancellationToken).ConfigureAwait(false)
            ?? throw new PluginHostException(ErrorCode.BadRequest, "invalid token");
        return Report(principal, fields);
    }

    private async ValueTask<BackendResponse?> OfAccessorAsync(BackendRequest request, FieldData fields, CancellationToken cancellationToken)
    {
        var accessor = fields.GetString("accessor");
        var entry = accessor.Length == 0 ? null : await tokens.LookupByAccessorAsync(accessor, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            throw new PluginHostException(ErrorCode.BadRequest, accessor.Length == 0 ? "missing accessor" : "invalid accessor");
        }

        var acl = await policies.AclOfAsync(entry.Policies, cancellationToken).ConfigureAwait(false);
        return Report(new Principal(null, entry, acl, entry.DisplayName, entry.Policies), fields);
    }

    private static BackendResponse Report(Principal principal, FieldData fields)
    {
        var paths = fields.IsSet("paths") ? fields.GetStrings("paths") : fields.GetStrings("path");
        if (paths.Count == 0)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "missing paths: give 'paths', a list of the paths to report on");
        }

        var data = new List<KeyValuePair<string, object?>>(paths.Count + 1);
        foreach (var path in paths)
        {
            data.Add(new(path, principal.Acl.CapabilityNamesOf(path.TrimStart('/'))));
        }

        // Vault's answer for one path also repeats it under "capabilities", for older clients.
        if (paths.Count == 1)
        {
            data.Add(new("capabilities", data[0].Value));
        }

        return BackendResponse.WithData(data);
    }

    // Vault's sys/policies/acl accepts the rules base64-encoded; text that is not valid base64 is taken as it is.
    private static string DecodeBase64(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written) && written > 0 && Utf8(buffer.AsSpan(0, written)) is { } decoded
            ? decoded
            : text;
    }

    private static string? Utf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    [GeneratedRegex("^policy/?$")]
    private static partial Regex LegacyListPattern();

    [GeneratedRegex("^policy/(?<name>[^/]+)$")]
    private static partial Regex LegacyPolicyPattern();

    [GeneratedRegex("^policies/acl/?$")]
    private static partial Regex AclListPattern();

    [GeneratedRegex("^policies/acl/(?<name>[^/]+)$")]
    private static partial Regex AclPolicyPattern();

    [GeneratedRegex("^capabilities-self$")]
    private static partial Regex CapabilitiesSelfPattern();

    [GeneratedRegex("^capabilities$")]
    private static partial Regex CapabilitiesPattern();

    [GeneratedRegex("^capabilities-accessor$")]
    private static partial Regex CapabilitiesAccessorPattern();
}
