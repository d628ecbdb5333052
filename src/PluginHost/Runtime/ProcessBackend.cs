namespace PluginHost.Runtime;

/// <summary>
/// A backend instance in a plugin process: forwards to the protocol proxy, reports a dead process with its exit code
/// and last stderr lines, and gives the instance back to the pool on cleanup.
/// </summary>
internal sealed class ProcessBackend(IBackend remote, PluginProcess process, PluginProcessPool pool) : IBackend, ISupervisedBackend
{
    private int _cleanedUp;

    public BackendType Type => remote.Type;

    public SpecialPaths SpecialPaths => remote.SpecialPaths;

    public Task Stopped => process.Stopped;

    public string DescribeStop() => process.DescribeStop();

    public ValueTask SetupAsync(BackendConfig config, CancellationToken cancellationToken) => Guard(remote.SetupAsync(config, cancellationToken));

    public async ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await remote.HandleRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (PluginHostException error) when (error.Code == ErrorCode.Unavailable && process.HasStopped)
        {
            throw Dead(error);
        }
    }

    public async ValueTask<bool?> ExistenceCheckAsync(BackendRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await remote.ExistenceCheckAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (PluginHostException error) when (error.Code == ErrorCode.Unavailable && process.HasStopped)
        {
            throw Dead(error);
        }
    }

    public ValueTask InvalidateKeyAsync(string key, CancellationToken cancellationToken) => Guard(remote.InvalidateKeyAsync(key, cancellationToken));

    public async ValueTask CleanupAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _cleanedUp, 1) != 0)
        {
            return;
        }

        try
        {
            if (!process.HasStopped)
            {
                await remote.CleanupAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await pool.ReleaseAsync(process).ConfigureAwait(false);
        }
    }

    private async ValueTask Guard(ValueTask call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (PluginHostException error) when (error.Code == ErrorCode.Unavailable && process.HasStopped)
        {
            throw Dead(error);
        }
    }

    private PluginHostException Dead(PluginHostException error) =>
        new(ErrorCode.Unavailable, process.DescribeStop(), error);
}
