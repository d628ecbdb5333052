namespace PluginHost.Policies;

/// <summary>
/// What a policy rule grants on a path, as bit flags. The names are Vault's capability names in lower case
/// (<c>create</c>, <c>read</c>, …); <see cref="Root"/> is never written in a policy: only the root policy has it.
/// </summary>
[Flags]
public enum Capabilities : uint
{
    /// <summary>Nothing is granted (also the answer when no rule matches a path).</summary>
    None = 0,

    /// <summary>Everything is refused; a rule that denies has no other capability.</summary>
    Deny = 1,

    /// <summary>Write to a path that does not exist yet.</summary>
    Create = 2,

    /// <summary>Read a path.</summary>
    Read = 4,

    /// <summary>Write to a path that exists.</summary>
    Update = 8,

    /// <summary>Delete a path.</summary>
    Delete = 16,

    /// <summary>List the keys below a path.</summary>
    List = 32,

    /// <summary>Use a sudo-protected (root) path, together with the operation's own capability.</summary>
    Sudo = 64,

    /// <summary>Everything, everywhere: only an ACL made of the root policy has it.</summary>
    Root = 128,

    /// <summary>Partially update a path: HTTP <c>PATCH</c>, such as kv v2's <c>data/</c> and <c>metadata/</c> patches.</summary>
    Patch = 256,
}
