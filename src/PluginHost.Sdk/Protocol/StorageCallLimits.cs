namespace PluginHost.Sdk.Protocol;

/// <summary>How much work one plugin connection may have the host do at once, and how long the host waits for it to read.</summary>
/// <param name="MaxInFlight">Requests from the plugin read and not yet answered (their answer not yet written); at the cap, the host reads nothing more from it.</param>
/// <param name="MaxInFlightPerInstance">Of those, how many may name one <c>instance_id</c>; more are refused at once.</param>
/// <param name="WriteStallTimeout">How long a message to the plugin may stay unwritten (it stopped reading) before the connection is dropped.</param>
internal sealed record StorageCallLimits(int MaxInFlight, int MaxInFlightPerInstance, TimeSpan WriteStallTimeout);
