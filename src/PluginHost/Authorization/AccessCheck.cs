namespace PluginHost.Authorization;

/// <summary>The host's one authorization decision, taken on the normalised path the router uses.</summary>
internal static class AccessCheck
{
    /// <summary>Vault's answer to every refused request, whatever the reason: it tells an attacker nothing.</summary>
    public static PluginHostException Denied() => new(ErrorCode.Forbidden, "permission denied");

    /// <summary>Throws <see cref="Denied"/> unless <paramref name="caller"/> may do <paramref name="operation"/> on <paramref name="path"/>.</summary>
    /// <param name="caller">The authenticated caller; null (no valid token) is always refused.</param>
    /// <param name="path">The full logical path, normalised.</param>
    /// <param name="operation">The operation, after the existence check.</param>
    /// <param name="rootPath">Whether the path is root-protected (needs sudo too).</param>
    /// <param name="data">The request's fields, for policies that restrict parameters.</param>
    public static void Demand(Principal? caller, string path, Operation operation, bool rootPath, IReadOnlyDictionary<string, System.Text.Json.JsonElement>? data)
    {
        if (caller is null || !caller.Acl.AllowsOperation(path, operation, rootPath, data))
        {
            throw Denied();
        }
    }

    /// <summary>
    /// Before a write's existence check reaches the backend: refuses at once a caller that may neither create nor update
    /// the path, so a caller without access cannot make a backend (or a plugin process) do any work.
    /// </summary>
    public static void DemandWriteAccess(Principal? caller, string path)
    {
        if (caller is null)
        {
            throw Denied();
        }

        if (caller.IsRoot)
        {
            return;
        }

        var capabilities = caller.Acl.CapabilitiesOf(path);
        if (capabilities.HasFlag(Policies.Capabilities.Deny) || (capabilities & (Policies.Capabilities.Create | Policies.Capabilities.Update)) == 0)
        {
            throw Denied();
        }
    }
}
