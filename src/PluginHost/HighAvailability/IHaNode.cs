namespace PluginHost.HighAvailability;

/// <summary>
/// This host as one node of several sharing HA storage (Vault's HA): one active node holds the lock and serves;
/// the others are standbys, to which a front end (the HTTP API) forwards or redirects requests.
/// </summary>
public interface IHaNode
{
    /// <summary>Where this node stands now.</summary>
    HaNodeState State { get; }

    /// <summary>Where clients reach this node (Vault's <c>api_addr</c>), or <see langword="null"/> when the storage is not shared.</summary>
    string? ApiAddress { get; }

    /// <summary>When this node last became active, or <see langword="null"/> when it is not active.</summary>
    DateTimeOffset? ActiveSince { get; }

    /// <summary>The active node as this node last saw it (refreshed every second while standby), or <see langword="null"/> when none is known.</summary>
    HaLeader? Leader { get; }

    /// <summary>
    /// The active node as the storage says now (Vault reads the lock on every <c>sys/leader</c>): a standby's
    /// <see cref="Leader"/> may be up to a second old, or not yet read just after the node was unsealed.
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The active node, or <see langword="null"/> when none holds the lock (or HA is off).</returns>
    ValueTask<HaLeader?> FindLeaderAsync(CancellationToken cancellationToken);
}
