namespace PluginHost.HighAvailability;

/// <summary>What the active node runs, started when the node takes the HA lock and stopped when it loses it (the seal's core).</summary>
internal interface IActiveNodeServices
{
    /// <summary>Whether the node can read the store: unsealed, or a seal that opens itself. A sealed node does not take the lock.</summary>
    ValueTask<bool> CanServeAsync(CancellationToken cancellationToken);

    /// <summary>Starts serving (builds the core over the store, restores the mounts); <see langword="false"/> when sealed meanwhile.</summary>
    ValueTask<bool> StartServingAsync(CancellationToken cancellationToken);

    /// <summary>Stops serving: drains the mounts and stops every plugin; the store stays unsealed.</summary>
    ValueTask StopServingAsync();
}
