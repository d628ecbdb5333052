namespace PluginHost.Policies;

/// <summary>Vault's names for capabilities and for the legacy <c>policy = "…"</c> shorthand.</summary>
internal static class CapabilityNames
{
    // Sorted by name: sys/capabilities sorts its answer (Vault's Core.Capabilities calls sort.Strings).
    private static readonly (string Name, Capabilities Flag)[] Sorted =
    [
        ("create", Capabilities.Create),
        ("delete", Capabilities.Delete),
        ("list", Capabilities.List),
        ("patch", Capabilities.Patch),
        ("read", Capabilities.Read),
        ("sudo", Capabilities.Sudo),
        ("update", Capabilities.Update),
    ];

    private const Capabilities Write =
        Capabilities.Create | Capabilities.Read | Capabilities.Update | Capabilities.Delete | Capabilities.List;

    /// <summary>Reads one name of a <c>capabilities</c> list (<c>deny</c>, <c>create</c>, … <c>patch</c>).</summary>
    public static bool TryParse(string name, out Capabilities capability)
    {
        capability = name == "deny" ? Capabilities.Deny : Capabilities.None;
        foreach (var (known, flag) in Sorted)
        {
            if (name == known)
            {
                capability = flag;
            }
        }

        return capability != Capabilities.None;
    }

    /// <summary>
    /// Reads the legacy <c>policy</c> value as Vault maps it: <c>read</c> is read and list; <c>write</c> adds create,
    /// update and delete (not patch); <c>sudo</c> is write and sudo; <c>deny</c> denies.
    /// </summary>
    public static bool TryParseLegacyPolicy(string policy, out Capabilities capabilities)
    {
        capabilities = policy switch
        {
            "deny" => Capabilities.Deny,
            "read" => Capabilities.Read | Capabilities.List,
            "write" => Write,
            "sudo" => Write | Capabilities.Sudo,
            _ => Capabilities.None,
        };
        return capabilities != Capabilities.None;
    }

    /// <summary>
    /// The answer of Vault's sys/capabilities for a rule's capabilities: <c>["deny"]</c> when it denies or grants
    /// nothing, otherwise the names sorted (patch included; <see cref="Capabilities.Root"/> is answered elsewhere).
    /// </summary>
    public static string[] Of(Capabilities capabilities)
    {
        if ((capabilities & Capabilities.Deny) != 0)
        {
            return ["deny"];
        }

        var names = new List<string>(Sorted.Length);
        foreach (var (name, flag) in Sorted)
        {
            if ((capabilities & flag) != 0)
            {
                names.Add(name);
            }
        }

        return names.Count == 0 ? ["deny"] : [.. names];
    }
}
