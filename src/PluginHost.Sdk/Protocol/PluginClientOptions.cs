namespace PluginHost.Sdk.Protocol;

/// <summary>The host's limits on one plugin connection (<see cref="PluginClient.Start(Stream, string, PluginClientOptions)"/>).</summary>
internal sealed class PluginClientOptions
{
    /// <summary>How the host names itself in the hello answer. Default: <c>PluginHost</c>.</summary>
    public string HostName { get; init; } = "PluginHost";

    /// <summary>The largest message the plugin may send; a larger one drops the connection. Default: <see cref="PluginClient.DefaultMaxMessageBytes"/>.</summary>
    public long MaxMessageBytes { get; init; } = PluginClient.DefaultMaxMessageBytes;

    /// <summary>How many requests may be in flight to the plugin; more callers wait in the host. Default: <see cref="PluginClient.DefaultMaxConcurrentRequests"/>.</summary>
    public int MaxConcurrentRequests { get; init; } = PluginClient.DefaultMaxConcurrentRequests;

    /// <summary>
    /// How many of the plugin's own requests (storage calls) the host holds at once, from reading one to writing its answer.
    /// At the limit the host reads nothing more from the plugin until answers are written. Default: <see cref="PluginClient.DefaultMaxStorageCallsInFlight"/>.
    /// </summary>
    public int MaxStorageCallsInFlight { get; init; } = PluginClient.DefaultMaxStorageCallsInFlight;

    /// <summary>
    /// How many of those may name one backend instance; a call beyond it is refused at once (503), so one mount cannot take
    /// every slot of its process. Default: <see cref="PluginClient.DefaultMaxStorageCallsInFlightPerInstance"/>.
    /// </summary>
    public int MaxStorageCallsInFlightPerInstance { get; init; } = PluginClient.DefaultMaxStorageCallsInFlightPerInstance;

    /// <summary>
    /// How long a message to the plugin may stay unwritten because the plugin does not read its connection; then the
    /// connection is dropped and <see cref="PluginClient.DisconnectReason"/> says why. <see cref="Timeout.InfiniteTimeSpan"/>
    /// waits forever. Default: 10 seconds.
    /// </summary>
    public TimeSpan WriteStallTimeout { get; init; } = PluginClient.DefaultWriteStallTimeout;
}
