namespace PluginHost.HighAvailability;

/// <summary>What a standby answers a request it was handed instead of the active node (a front end forwards first).</summary>
internal static class StandbyNode
{
    /// <summary>Vault's text for a standby serving nothing itself.</summary>
    public const string Message = "Vault is in standby mode";

    /// <summary>Vault's text when no node is active.</summary>
    public const string NoLeaderMessage = "no active Vault instance found";

    /// <summary>503, naming the active node when one is known.</summary>
    public static PluginHostException Error(HaLeader? leader) => new(
        ErrorCode.Unavailable,
        leader is { IsSelf: false } ? $"{Message}: send requests to the active node, {leader.Address}" : $"{Message}: {NoLeaderMessage}; try again shortly");
}
