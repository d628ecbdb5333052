namespace PluginHost.Policies.Evaluation;

/// <summary>The merged permissions of every rule with one pattern, as the ACL checks them (Vault's <c>ACLPermissions</c>).</summary>
internal sealed class AclPermissions(Capabilities capabilities, bool requiresWrapping, ParameterRules? parameters)
{
    /// <summary>The union of the rules' capabilities, or <see cref="Capabilities.Deny"/> alone when one of them denies.</summary>
    public Capabilities Capabilities { get; } = capabilities;

    /// <summary>
    /// A <c>min_wrapping_ttl</c> or <c>max_wrapping_ttl</c> is set: Vault then allows only wrapped requests, and
    /// PluginHost has no response wrapping, so no request can satisfy the rule.
    /// </summary>
    public bool RequiresWrapping { get; } = requiresWrapping;

    /// <summary>Allowed, denied and required request fields; <see langword="null"/> when the rules set none (the common case).</summary>
    public ParameterRules? Parameters { get; } = parameters;
}
