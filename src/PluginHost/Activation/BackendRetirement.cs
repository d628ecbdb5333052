using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PluginHost.Activation;

/// <summary>
/// Retires backends that were swapped out or closed: waits for their requests to drain (up to
/// <see cref="PluginHostOptions.DrainTimeout"/>), then cleans them up, logging instead of throwing because the
/// mount change they belong to has already happened. Tracks retirements running in the background so disposal can wait.
/// </summary>
internal sealed partial class BackendRetirement(IOptionsMonitor<PluginHostOptions> options, ILogger logger)
{
    private readonly HashSet<Task> _background = [];

    /// <summary>Drains and cleans up <paramref name="lease"/> (nothing when <see langword="null"/>).</summary>
    public async Task RetireAsync(BackendLease? lease, string mountPath)
    {
        if (lease is null)
        {
            return;
        }

        try
        {
            var drainTimeout = options.CurrentValue.DrainTimeout;
            if (!await lease.DrainAsync(drainTimeout).ConfigureAwait(false))
            {
                LogDrainTimedOut(mountPath, lease.InFlight, drainTimeout.TotalSeconds);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Unreadable options (a bad reload) must not leave the backend running: clean up without waiting.
            LogDrainFailed(ex, mountPath);
        }

        await CleanupQuietlyAsync(lease.Backend, mountPath).ConfigureAwait(false);
    }

    /// <summary>Starts <see cref="RetireAsync"/> without waiting for it; <see cref="WhenAllRetiredAsync"/> waits for all such.</summary>
    public void RetireInBackground(BackendLease? lease, string mountPath)
    {
        if (lease is null)
        {
            return;
        }

        TrackInBackground(RetireAsync(lease, mountPath));
    }

    /// <summary>Keeps <paramref name="work"/> (which must not throw) among what <see cref="WhenAllRetiredAsync"/> waits for.</summary>
    public void TrackInBackground(Task work)
    {
        lock (_background)
        {
            _background.Add(work);
        }

        _ = work.ContinueWith(
            done =>
            {
                lock (_background)
                {
                    _background.Remove(done);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Completes when every background retirement, including ones started while waiting, has finished.</summary>
    public async Task WhenAllRetiredAsync()
    {
        while (true)
        {
            Task[] pending;
            lock (_background)
            {
                pending = _background.ToArray();
            }

            if (pending.Length == 0)
            {
                return;
            }

            await Task.WhenAll(pending).ConfigureAwait(false);
        }
    }

    /// <summary>Cleans up a backend within the cancellation grace period, logging a failure instead of throwing it.</summary>
    public async Task CleanupQuietlyAsync(IBackend backend, string mountPath)
    {
        try
        {
            // A plugin that never answers its cleanup must not hold the mount change (or the host's stop) forever.
            using var grace = new CancellationTokenSource(options.CurrentValue.PluginCancellationGracePeriod);
            await backend.CleanupAsync(grace.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogCleanupFailed(ex, mountPath);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mount {MountPath}: {InFlight} requests still running after the {DrainSeconds}s drain timeout; cleaning up anyway")]
    private partial void LogDrainTimedOut(string mountPath, int inFlight, double drainSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Draining the backend at {MountPath} failed; cleaning up without waiting")]
    private partial void LogDrainFailed(Exception exception, string mountPath);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cleanup of the backend at {MountPath} failed")]
    private partial void LogCleanupFailed(Exception exception, string mountPath);
}
