using System.Globalization;

namespace PluginHost.HighAvailability;

/// <summary>Vault's <c>sys/leader</c>: whether HA is on, whether this node is the active one, and where the active one is.</summary>
internal static class LeaderStatus
{
    /// <summary>The logical path.</summary>
    public const string Path = "sys/leader";

    // Go's zero time, which Vault shows when the node is not active.
    private const string ZeroTime = "0001-01-01T00:00:00Z";

    /// <summary>The answer for <paramref name="node"/>.</summary>
    /// <param name="node">This node.</param>
    /// <param name="sealedNode">Whether the host is sealed (Vault refuses then: it cannot know).</param>
    /// <param name="cancellationToken">Cancels reading the lock.</param>
    /// <exception cref="PluginHostException">The node is sealed (503 <c>Vault is sealed</c>).</exception>
    public static async ValueTask<BackendResponse> OfAsync(IHaNode node, bool sealedNode, CancellationToken cancellationToken)
    {
        // The seal decides, not the node's HA state. A server alone answers even sealed (HA is off, which Vault knows
        // sealed or not); a sealed node sharing HA storage cannot know who is active.
        if (sealedNode && node.State != HaNodeState.Disabled)
        {
            throw Seal.SealedHost.Error();
        }

        var leader = await node.FindLeaderAsync(cancellationToken).ConfigureAwait(false);
        var active = node.State == HaNodeState.Active;
        return BackendResponse.WithData(new Dictionary<string, object?>
        {
            ["ha_enabled"] = node.State != HaNodeState.Disabled,
            ["is_self"] = active,
            ["active_time"] = active && node.ActiveSince is { } since
                ? since.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture)
                : ZeroTime,
            ["leader_address"] = leader?.Address ?? "",
            ["leader_cluster_address"] = "",
            ["performance_standby"] = false,
            ["performance_standby_last_remote_wal"] = 0L,
        });
    }
}
