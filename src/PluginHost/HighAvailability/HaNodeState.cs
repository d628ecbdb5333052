namespace PluginHost.HighAvailability;

/// <summary>Where a host stands among the hosts sharing its storage.</summary>
public enum HaNodeState
{
    /// <summary>The storage is not shared (no HA lock): the host serves alone.</summary>
    Disabled,

    /// <summary>Sealed: it cannot read the store, so it does not try to take the lock.</summary>
    Sealed,

    /// <summary>Unsealed and waiting for the lock: requests go to the active node.</summary>
    Standby,

    /// <summary>It holds the lock: it runs the mounts and plugins and serves every request.</summary>
    Active,
}
