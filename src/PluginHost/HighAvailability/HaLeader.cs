namespace PluginHost.HighAvailability;

/// <summary>The active node, as a node knows it.</summary>
/// <param name="Address">Where clients reach it: its API address (Vault's <c>api_addr</c>).</param>
/// <param name="IsSelf">Whether it is the node asked.</param>
public sealed record HaLeader(string Address, bool IsSelf);
