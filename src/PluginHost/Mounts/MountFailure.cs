namespace PluginHost.Mounts;

/// <summary>A mount's backend failed to start or died: why, how many times in a row, and how long starts are now refused.</summary>
/// <param name="Reason">What went wrong, as users see it.</param>
/// <param name="FailuresInARow">Failures since the backend last ran for <see cref="MountState.StableRunTime"/>.</param>
/// <param name="RetryDelay">How long starts are refused from now.</param>
internal sealed record MountFailure(string Reason, int FailuresInARow, TimeSpan RetryDelay);
