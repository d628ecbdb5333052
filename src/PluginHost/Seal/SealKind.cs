namespace PluginHost.Seal;

/// <summary>How a host's storage is protected, which decides how it is opened.</summary>
internal enum SealKind
{
    /// <summary>No barrier: the storage is used as it is (a library host that configured no seal).</summary>
    None,

    /// <summary>The barrier's unseal key comes from an <see cref="IUnsealKeyProvider"/>: the host opens it by itself.</summary>
    Static,

    /// <summary>The unseal key is split into Shamir shares: the host starts sealed and operators unseal it.</summary>
    Shamir,
}
