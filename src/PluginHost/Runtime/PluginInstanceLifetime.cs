namespace PluginHost.Runtime;

/// <summary>
/// The part of a plugin instance's life that backends and database instances share: telling a dead process from a
/// lost answer, and ending the instance — a bounded farewell call, then the process counts it out.
/// </summary>
internal sealed class PluginInstanceLifetime(PluginProcess process, PluginProcessPool pool, TimeSpan endBound)
{
    // Longer than PluginProcess waits for an exit after a disconnect, so a stop is always reported when there is one.
    private static readonly TimeSpan ExitReportWait = TimeSpan.FromSeconds(3);
    private int _ended;

    /// <summary>
    /// A lost connection is usually a dying process: gives it the moment it needs to report its exit code, so the caller
    /// learns why rather than just "connection closed".
    /// </summary>
    public async Task<PluginHostException> DeadOrAsIsAsync(PluginHostException error)
    {
        await Task.WhenAny(process.Stopped, Task.Delay(ExitReportWait)).ConfigureAwait(false);
        return process.HasStopped ? new PluginHostException(ErrorCode.Unavailable, process.DescribeStop(), error) : error;
    }

    /// <summary>
    /// Ends the instance once: sends <paramref name="farewell"/> (the plugin's cleanup or close) when the process still
    /// runs, waiting at most the bound, then forgets <paramref name="instance"/>'s log name and gives the instance back
    /// to the pool, which stops the process after its last one.
    /// </summary>
    public async ValueTask EndAsync(object instance, Func<CancellationToken, ValueTask> farewell, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        try
        {
            if (!process.HasStopped)
            {
                // A courtesy to a plugin that will be stopped anyway: one that no longer reads its connection (or never
                // answers) would hold the caller, and with it the host's shutdown, forever (callers pass
                // CancellationToken.None). Its stop, next, kills it.
                using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                bounded.CancelAfter(endBound);
                await farewell(bounded.Token).AsTask().WaitAsync(endBound + endBound, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is OperationCanceledException or TimeoutException)
        {
            process.LogCleanupUnanswered(endBound);
        }
        finally
        {
            process.ForgetMount(instance);
            await pool.ReleaseAsync(process).ConfigureAwait(false);
        }
    }
}
