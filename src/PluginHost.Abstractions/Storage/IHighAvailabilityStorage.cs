namespace PluginHost;

/// <summary>
/// A storage several hosts can share with one of them active (Vault's HA backend): it keeps the HA lock, and writes
/// only for the node holding it, so a node that lost the lock (paused, cut off) cannot change what the active node
/// serves.
/// </summary>
public interface IHighAvailabilityStorage : IStorage
{
    /// <summary>Whether the storage is set up to be shared (Vault's <c>ha_enabled</c>); when not, one host uses it alone and writes unfenced.</summary>
    bool HaEnabled { get; }

    /// <summary>This node's handle on the HA lock; its identity fences every write made through this storage.</summary>
    /// <exception cref="InvalidOperationException"><see cref="HaEnabled"/> is false.</exception>
    IHaLock Lock { get; }

    /// <summary>The writes and deletes the other nodes make, as they commit.</summary>
    /// <exception cref="InvalidOperationException"><see cref="HaEnabled"/> is false.</exception>
    IStorageChangeFeed Changes { get; }
}

/// <summary>
/// The HA lock as one node sees it: held by one node at a time for a time-to-live that the holder renews, and taken
/// over by another node only once it has expired. Times are the storage's own clock, not the nodes'.
/// </summary>
public interface IHaLock
{
    /// <summary>This node's identity in the lock, new for each storage instance.</summary>
    string Identity { get; }

    /// <summary>How long the lock stays this node's after it was taken or last renewed.</summary>
    TimeSpan Ttl { get; }

    /// <summary>Takes the lock when nobody holds it, its holder let it expire, or this node holds it already.</summary>
    /// <param name="value">What the other nodes read from the lock: how to reach this node (its API address).</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <returns>Whether this node holds the lock now, for <see cref="Ttl"/>.</returns>
    /// <exception cref="PluginHostException">The storage could not be reached.</exception>
    ValueTask<bool> TryAcquireAsync(string value, CancellationToken cancellationToken);

    /// <summary>Extends the lock by <see cref="Ttl"/> from now, if this node still holds it.</summary>
    /// <param name="cancellationToken">Cancels the renewal.</param>
    /// <returns><see langword="false"/> when another node holds it or it is gone: this node is no longer active.</returns>
    /// <exception cref="PluginHostException">The storage could not be reached: whether the lock is still held is unknown.</exception>
    ValueTask<bool> RenewAsync(CancellationToken cancellationToken);

    /// <summary>Gives the lock up, if this node holds it, so another node can take it at once.</summary>
    /// <param name="cancellationToken">Cancels the release.</param>
    /// <returns>A task that completes when the lock is not this node's.</returns>
    ValueTask ReleaseAsync(CancellationToken cancellationToken);

    /// <summary>Says this node is up (standbys too), for the list of nodes the active one shows (Vault's <c>sys/ha-status</c>).</summary>
    /// <param name="value">How to reach this node.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when recorded.</returns>
    ValueTask HeartbeatAsync(string value, CancellationToken cancellationToken);

    /// <summary>Reads the nodes whose last heartbeat is younger than <see cref="Ttl"/>.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The nodes, by identity.</returns>
    ValueTask<IReadOnlyList<HaNodeEntry>> ReadNodesAsync(CancellationToken cancellationToken);

    /// <summary>Reads who holds the lock now.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The holder, or <see langword="null"/> when nobody holds an unexpired lock.</returns>
    ValueTask<HaLockHolder?> ReadHolderAsync(CancellationToken cancellationToken);
}

/// <summary>The node holding the HA lock.</summary>
/// <param name="Identity">Its identity in the lock.</param>
/// <param name="Value">What it wrote into the lock: how to reach it.</param>
public sealed record HaLockHolder(string Identity, string Value);

/// <summary>A node that said it is up.</summary>
/// <param name="Identity">Its identity in the lock.</param>
/// <param name="Value">How to reach it.</param>
/// <param name="LastSeen">When its last heartbeat was recorded, on the storage's clock.</param>
public sealed record HaNodeEntry(string Identity, string Value, DateTimeOffset LastSeen);
