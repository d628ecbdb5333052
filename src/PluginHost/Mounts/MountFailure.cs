namespace PluginHost.Mounts;

/// <summary>A mount's backend failed to start or died: why, how many times in a row, and how long starts are now refused.</summary>
/// <param name="Reason">What went wrong, as users see it.</param>
/// <param name="FailuresInARow">Failures of a loop in a row (failed starts, deaths before serving, crash loops); 0 when the backend served and is started again at once.</param>
/// <param name="RetryDelay">How long starts are refused from now; zero when the next request starts it at once.</param>
internal sealed record MountFailure(string Reason, int FailuresInARow, TimeSpan RetryDelay);
