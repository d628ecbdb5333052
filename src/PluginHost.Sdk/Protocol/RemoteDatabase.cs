using PluginHost.Database;
using PluginHost.Protocol;

namespace PluginHost.Sdk.Protocol;

/// <summary>The host-side proxy of one database instance (one connection) in a plugin process: every call is forwarded over the connection.</summary>
internal sealed class RemoteDatabase(PluginClient client, string instanceId, string pluginName) : IDatabase
{
    public async ValueTask<InitializeResponse> InitializeAsync(InitializeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        InitializeResponse? result;
        try
        {
            result = await CallAsync<InitializeRequest, InitializeResponse?>(ProtocolMethods.DatabaseInitialize, request, cancellationToken).ConfigureAwait(false);
        }
        catch (StreamJsonRpc.RemoteMethodNotFoundException error)
        {
            // JSON-RPC's "method not found" (-32601), which StreamJsonRpc reports as its own exception: the process serves backends.
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"plugin '{pluginName}' is not a database plugin: it does not serve {ProtocolMethods.DatabaseInitialize} (a database plugin runs PluginServer.RunDatabaseAsync); register it under the type it is",
                error);
        }

        // A null answer, or one without a config, changes nothing: the host keeps the configuration it sent.
        return result?.Config is null ? new InitializeResponse { Config = request.Config } : result;
    }

    public async ValueTask<NewUserResponse> NewUserAsync(NewUserRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var slot = await client.AcquireRequestSlotAsync(cancellationToken).ConfigureAwait(false);
        var result = await CallAsync<NewUserRequest, NewUserResponse?>(ProtocolMethods.DatabaseNewUser, request, cancellationToken).ConfigureAwait(false);
        return string.IsNullOrEmpty(result?.Username) ? throw Unreadable(ProtocolMethods.DatabaseNewUser, "it has no 'username'") : result;
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
        var result = await CallAsync<DatabaseInstance, DatabaseTypeResult?>(ProtocolMethods.DatabaseType, null, cancellationToken).ConfigureAwait(false);
        return result?.Type ?? throw Unreadable(ProtocolMethods.DatabaseType, "it has no 'type'");
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

    private async Task<TResult> CallAsync<TRequest, TResult>(string method, TRequest? request, CancellationToken cancellationToken)
        where TRequest : class
    {
        try
        {
            return await ProtocolChannel.InvokeAsync<TResult>(
                client.Rpc,
                method,
                new DatabaseCallParams<TRequest> { InstanceId = instanceId, Request = request },
                $"plugin '{pluginName}'",
                $"plugin '{pluginName}' is unavailable: its connection closed",
                cancellationToken).ConfigureAwait(false);
        }
        catch (System.Text.Json.JsonException error)
        {
            // StreamJsonRpc reports a result it cannot decode (a missing required field, a wrong type) as the serializer's error.
            throw Unreadable(method, error.Message, error);
        }
    }

    // The plugin answered, but not with what the protocol asks for: its fault, so an internal error naming it.
    private PluginHostException Unreadable(string method, string why, Exception? inner = null) =>
        new(ErrorCode.Internal, $"plugin '{pluginName}' answered {method} with a result the host cannot use: {why}", inner);
}
