namespace PluginHost.Runtime;

/// <summary>
/// A backend instance in a plugin process: forwards to the protocol proxy, reports a dead process with its exit code
/// and last stderr lines, and gives the instance back to the pool on cleanup.
/// </summary>
/// <remarks>
/// A plugin that goes on with a cancelled request for longer than the cancellation grace period is killed: the
/// caller gets its cancellation (or timeout), and the mount relaunches the plugin on a later request.
/// </remarks>
internal sealed class ProcessBackend(IBackend remote, PluginProcess process, PluginProcessPool pool, TimeSpan cancellationGrace, TimeSpan cleanupBound) : IBackend, ISupervisedBackend
{
    private readonly PluginInstanceLifetime _lifetime = new(process, pool, cleanupBound);

    public BackendType Type => remote.Type;

    public SpecialPaths SpecialPaths => remote.SpecialPaths;

    public Task Stopped => process.Stopped;

    public string DescribeStop() => process.DescribeStop();

    public ValueTask SetupAsync(BackendConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        process.NameMount(this, config.MountPath);
        return Guard(remote.SetupAsync(config, cancellationToken));
    }

    public async ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken) =>
        await SuperviseAsync(remote.HandleRequestAsync(request, cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);

    public async ValueTask<bool?> ExistenceCheckAsync(BackendRequest request, CancellationToken cancellationToken) =>
        await SuperviseAsync(remote.ExistenceCheckAsync(request, cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);

    public ValueTask InvalidateKeyAsync(string key, CancellationToken cancellationToken) => Guard(remote.InvalidateKeyAsync(key, cancellationToken));

    public ValueTask CleanupAsync(CancellationToken cancellationToken) => _lifetime.EndAsync(this, remote.CleanupAsync, cancellationToken);

    private async Task<T> SuperviseAsync<T>(Task<T> call, CancellationToken cancellationToken)
    {
        using var killIfIgnored = cancellationToken.Register(() => _ = KillIfStillRunningAsync(call));
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (PluginHostException) when (cancellationToken.IsCancellationRequested)
        {
            // The plugin was killed for ignoring the cancellation: the caller asked to stop, so that is what it hears.
            throw new OperationCanceledException("the request was cancelled", cancellationToken);
        }
        catch (PluginHostException error) when (error.Code == ErrorCode.Unavailable)
        {
            throw await _lifetime.DeadOrAsIsAsync(error).ConfigureAwait(false);
        }
    }

    private async Task KillIfStillRunningAsync(Task call)
    {
        try
        {
            await call.WaitAsync(cancellationGrace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            process.KillForIgnoredCancellation(cancellationGrace);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The call ended (in whatever way) within the grace period: nothing to do.
        }
    }

    private async ValueTask Guard(ValueTask call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (PluginHostException error) when (error.Code == ErrorCode.Unavailable)
        {
            throw await _lifetime.DeadOrAsIsAsync(error).ConfigureAwait(false);
        }
    }
}
