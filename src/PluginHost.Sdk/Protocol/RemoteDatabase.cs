using PluginHost.Database;
using PluginHost.Protocol;

namespace PluginHost.Sdk.Protocol;

/// <summary>The host-side proxy of one database instance (one connection) in a plugin process: every call is forwarded over the connection.</summary>
internal sealed class RemoteDatabase(PluginClient client, string instanceId, string pluginName) : IDatabase
{
    // JSON-RPC's "method not found": the process serves backends, not databases.
    private const int MethodNotFound = -32601;

    public async ValueTask<InitializeResponse> InitializeAsync(InitializeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return await CallAsync<InitializeRequest, InitializeResponse>(ProtocolMethods.DatabaseInitialize, request, cancellationToken).ConfigureAwait(false);
        }
        catch (PluginHostException error) when (error.InnerException is StreamJsonRpc.RemoteInvocationException { ErrorCode: MethodNotFound })
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"plugin '{pluginName}' is not a database plugin: it does not serve {ProtocolMethods.DatabaseInitialize} (a database plugin runs PluginServer.RunDatabaseAsync); register it under the type it is",
                error);
        }
    }

    public async ValueTask<NewUserResponse> NewUserAsync(NewUserRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var slot = await client.AcquireRequestSlotAsync(cancellationToken).ConfigureAwait(false);
        return await CallAsync<NewUserRequest, NewUserResponse>(ProtocolMethods.DatabaseNewUser, request, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask UpdateUserAsync(UpdateUserRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var slot = await client.AcquireRequestSlotAsync(cancellationToken).ConfigureAwait(false);
        await CallAsync<UpdateUserRequest, object?>(ProtocolMethods.DatabaseUpdateUser, request, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DeleteUserAsync(DeleteUserRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var slot = await client.AcquireRequestSlotAsync(cancellationToken).ConfigureAwait(false);
        await CallAsync<DeleteUserRequest, object?>(ProtocolMethods.DatabaseDeleteUser, request, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<string> TypeAsync(CancellationToken cancellationToken)
    {
        var result = await CallAsync<DatabaseInstance, DatabaseTypeResult>(ProtocolMethods.DatabaseType, null, cancellationToken).ConfigureAwait(false);
        return result.Type;
    }

    public async ValueTask CloseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync<DatabaseInstance, object?>(ProtocolMethods.DatabaseClose, null, cancellationToken).ConfigureAwait(false);
        }
        catch (PluginHostException error) when (error.Code == ErrorCode.Unavailable)
        {
            // The process is gone, and the connection with it.
        }
    }

    private Task<TResult> CallAsync<TRequest, TResult>(string method, TRequest? request, CancellationToken cancellationToken)
        where TRequest : class =>
        ProtocolChannel.InvokeAsync<TResult>(
            client.Rpc,
            method,
            new DatabaseCallParams<TRequest> { InstanceId = instanceId, Request = request },
            $"plugin '{pluginName}'",
            $"plugin '{pluginName}' is unavailable: its connection closed",
            cancellationToken);
}
