namespace PluginHost.Mounts;

/// <summary>What to mount and where: the arguments of <c>secrets enable</c> / <c>auth enable</c>.</summary>
public sealed record MountRequest
{
    /// <summary><see cref="BackendType.Secret"/> to enable a secrets engine, <see cref="BackendType.Auth"/> an auth method.</summary>
    public required BackendType Type { get; init; }

    /// <summary>The catalog name of the plugin to mount (<c>kv</c>, <c>userpass</c>, <c>my-mock-plugin</c>).</summary>
    public required string Plugin { get; init; }

    /// <summary>
    /// Where to mount it. Auth methods are relative to <c>auth/</c> (<c>userpass</c> mounts at <c>auth/userpass/</c>).
    /// <see langword="null"/> or empty uses the plugin name, as Vault does.
    /// </summary>
    public string? Path { get; init; }

    /// <summary>The catalog version to pin, or <see langword="null"/> to use the catalog's selection.</summary>
    public string? PluginVersion { get; init; }

    /// <summary>A human-readable description.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// Vault's <c>local</c>: the mount is not replicated to other clusters. Kept and listed; it changes nothing here
    /// (the servers sharing one store are one cluster, and every mount is theirs).
    /// </summary>
    public bool Local { get; init; }

    /// <summary>Vault's <c>seal_wrap</c>: kept and listed; every entry is already encrypted by the barrier when a seal is configured.</summary>
    public bool SealWrap { get; init; }

    /// <summary>Vault's <c>external_entropy_access</c>: kept and listed; plugins here draw on the operating system's entropy.</summary>
    public bool ExternalEntropyAccess { get; init; }

    /// <summary>TTLs and backend options; <see langword="null"/> for defaults.</summary>
    public MountConfig? Config { get; init; }
}
