using PluginHost.Database;

namespace PluginHost.Runtime;

/// <summary>
/// A database instance (one connection of the <c>database</c> engine) in a plugin process: forwards to the protocol
/// proxy, reports a dead process with its exit code and last stderr lines, and gives the instance back to the pool
/// when closed.
/// </summary>
internal sealed class ProcessDatabase(IDatabase remote, PluginProcess process, PluginProcessPool pool, string connectionName, TimeSpan closeBound) : IDatabase, ISupervisedBackend
{
    // Longer than PluginProcess waits for an exit after a disconnect, so a stop is always reported when there is one.
    private static readonly TimeSpan ExitReportWait = TimeSpan.FromSeconds(3);
    private int _closed;

    public Task Stopped => process.Stopped;

    /// <summary>Whether the process behind the instance has stopped (the connection must be opened again).</summary>
    public bool HasStopped => process.HasStopped;

    public string DescribeStop() => process.DescribeStop();

    public ValueTask<InitializeResponse> InitializeAsync(InitializeRequest request, CancellationToken cancellationToken)
    {
        // The plugin's log lines about this connection carry its name, as a backend's carry its mount.
        process.NameMount(this, connectionName);
        return SuperviseAsync(remote.InitializeAsync(request, cancellationToken));
    }

    public ValueTask<NewUserResponse> NewUserAsync(NewUserRequest request, CancellationToken cancellationToken) =>
        SuperviseAsync(remote.NewUserAsync(request, cancellationToken));

    public ValueTask UpdateUserAsync(UpdateUserRequest request, CancellationToken cancellationToken) =>
        SuperviseAsync(remote.UpdateUserAsync(request, cancellationToken));

    public ValueTask DeleteUserAsync(DeleteUserRequest request, CancellationToken cancellationToken) =>
        SuperviseAsync(remote.DeleteUserAsync(request, cancellationToken));

    public ValueTask<string> TypeAsync(CancellationToken cancellationToken) => SuperviseAsync(remote.TypeAsync(cancellationToken));

    public async ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!process.HasStopped)
            {
                // Bounded like a backend's cleanup: a plugin that never answers must not hold the engine (or the host's shutdown).
                using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                bounded.CancelAfter(closeBound);
                await remote.CloseAsync(bounded.Token).AsTask().WaitAsync(closeBound + closeBound, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is OperationCanceledException or TimeoutException)
        {
            process.LogCleanupUnanswered(closeBound);
        }
        catch (PluginHostException)
        {
            // The plugin's own close failed: the instance is dropped either way, and the process stopped with its last one.
        }
        finally
        {
            process.ForgetMount(this);
            await pool.ReleaseAsync(process).ConfigureAwait(false);
        }
    }

    private async ValueTask<T> SuperviseAsync<T>(ValueTask<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (PluginHostException error) when (error.Code == ErrorCode.Unavailable)
        {
            throw await DeadOrAsIsAsync(error).ConfigureAwait(false);
        }
    }

    private async ValueTask SuperviseAsync(ValueTask call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (PluginHostException error) when (error.Code == ErrorCode.Unavailable)
        {
            throw await DeadOrAsIsAsync(error).ConfigureAwait(false);
        }
    }

    // A lost connection is usually a dying process: give it the moment it needs to report its exit code.
    private async Task<PluginHostException> DeadOrAsIsAsync(PluginHostException error)
    {
        await Task.WhenAny(process.Stopped, Task.Delay(ExitReportWait)).ConfigureAwait(false);
        return process.HasStopped ? new PluginHostException(ErrorCode.Unavailable, process.DescribeStop(), error) : error;
    }
}
