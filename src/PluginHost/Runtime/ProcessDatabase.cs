using PluginHost.Database;

namespace PluginHost.Runtime;

/// <summary>
/// A database instance (one connection of the <c>database</c> engine) in a plugin process: forwards to the protocol
/// proxy, reports a dead process with its exit code and last stderr lines, and gives the instance back to the pool
/// when closed.
/// </summary>
internal sealed class ProcessDatabase(IDatabase remote, PluginProcess process, PluginProcessPool pool, string connectionName, TimeSpan closeBound) : IDatabase, ISupervisedBackend
{
    private readonly PluginInstanceLifetime _lifetime = new(process, pool, closeBound);

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

    public ValueTask CloseAsync(CancellationToken cancellationToken) => _lifetime.EndAsync(this, CloseQuietlyAsync, cancellationToken);

    private async ValueTask<T> SuperviseAsync<T>(ValueTask<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (PluginHostException error) when (error.Code == ErrorCode.Unavailable)
        {
            throw await _lifetime.DeadOrAsIsAsync(error).ConfigureAwait(false);
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
            throw await _lifetime.DeadOrAsIsAsync(error).ConfigureAwait(false);
        }
    }

    private async ValueTask CloseQuietlyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await remote.CloseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PluginHostException)
        {
            // The plugin's own close failed: the instance is dropped either way, and the process stopped with its last one.
        }
    }
}
