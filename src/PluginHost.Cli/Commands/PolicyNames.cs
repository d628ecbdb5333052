namespace PluginHost.Cli.Commands;

/// <summary>Policy names as Vault's commands send them: trimmed and in lower case.</summary>
internal static class PolicyNames
{
    public static string Normalize(string name) => name.Trim().ToLowerInvariant();

    /// <summary>The path of a policy in Vault's current API.</summary>
    public static string PathOf(string name) => "sys/policies/acl/" + name;
}
