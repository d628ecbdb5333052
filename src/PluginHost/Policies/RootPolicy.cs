namespace PluginHost.Policies;

/// <summary>Vault's <c>root</c> policy: built in, never stored, allows every path with <c>sudo</c>.</summary>
internal static class RootPolicy
{
    /// <summary>The policy's name.</summary>
    public const string Name = "root";
}
