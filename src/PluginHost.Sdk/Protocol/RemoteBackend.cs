using PluginHost.Protocol;

namespace PluginHost.Sdk.Protocol;

/// <summary>The host-side proxy of one backend instance in a plugin process: every call is forwarded over the connection.</summary>
internal sealed class RemoteBackend(PluginClient client, string instanceId, BackendType expectedType, string pluginName) : IBackend
{
    private SetupResult? _setup;

    public BackendType Type => _setup?.Type ?? expectedType;

    public SpecialPaths SpecialPaths => _setup?.SpecialPaths ?? SpecialPaths.None;

    public async ValueTask SetupAsync(BackendConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        client.AddView(instanceId, config.Storage);
        try
        {
            var result = await CallAsync<SetupResult>(
                ProtocolMethods.Setup,
                new SetupParams
                {
                    InstanceId = instanceId,
                    Type = config.Type,
                    MountPath = config.MountPath,
                    BackendUuid = config.BackendUuid,
                    Options = config.Options,
                },
                cancellationToken).ConfigureAwait(false);
            if (result.Type != expectedType)
            {
                throw BackendTypeNames.WrongTypeError(pluginName, result.Type, expectedType);
            }

            _setup = result;
        }
        catch (StreamJsonRpc.RemoteMethodNotFoundException error)
        {
            // JSON-RPC's "method not found" (-32601): the process serves databases, not backends.
            client.RemoveView(instanceId);
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"plugin '{pluginName}' is not a secrets engine or auth method: it does not serve {ProtocolMethods.Setup} (a database plugin, run by PluginServer.RunDatabaseAsync, is registered with type database and used through the database secrets engine); register it under the type it is",
                error);
        }
        catch
        {
            client.RemoveView(instanceId);
            throw;
        }
    }

    public ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken) =>
        new(LimitedCallAsync<BackendResponse?>(ProtocolMethods.HandleRequest, new InstanceRequestParams { InstanceId = instanceId, Request = Parseable(request) }, cancellationToken));

    public ValueTask<bool?> ExistenceCheckAsync(BackendRequest request, CancellationToken cancellationToken) =>
        new(LimitedCallAsync<bool?>(ProtocolMethods.ExistenceCheck, new InstanceRequestParams { InstanceId = instanceId, Request = Parseable(request) }, cancellationToken));

    public async ValueTask CleanupAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync<object?>(ProtocolMethods.Cleanup, new InstanceParams { InstanceId = instanceId }, cancellationToken).ConfigureAwait(false);
        }
        catch (PluginHostException error) when (error.Code == ErrorCode.Unavailable)
        {
            // The process is gone, and the instance with it.
        }
        finally
        {
            client.RemoveView(instanceId);
        }
    }

    public async ValueTask InvalidateKeyAsync(string key, CancellationToken cancellationToken) =>
        await CallAsync<object?>(ProtocolMethods.InvalidateKey, new InstanceParams { InstanceId = instanceId, Key = key }, cancellationToken).ConfigureAwait(false);

    // Data the plugin could not parse inside the request envelope would end its connection: refuse it here, before sending.
    private BackendRequest Parseable(BackendRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Data is { } data && JsonDepth.Of(data) is var depth && depth > ProtocolChannel.MaxRequestDataDepth)
        {
            throw new PluginHostException(
                ErrorCode.BadRequest,
                $"the request data nests {depth} levels deep; plugin '{pluginName}' can be sent at most {ProtocolChannel.MaxRequestDataDepth} (the protocol's messages nest at most {ProtocolChannel.MaxMessageDepth}, {ProtocolChannel.RequestEnvelopeDepth} of them around the data)");
        }

        return request;
    }

    // Requests take a slot of the plugin's concurrency limit; setup and cleanup do not, so they never wait behind traffic.
    private async Task<T> LimitedCallAsync<T>(string method, object parameters, CancellationToken cancellationToken)
    {
        using var slot = await client.AcquireRequestSlotAsync(cancellationToken).ConfigureAwait(false);
        return await CallAsync<T>(method, parameters, cancellationToken).ConfigureAwait(false);
    }

    private Task<T> CallAsync<T>(string method, object parameters, CancellationToken cancellationToken) =>
        ProtocolChannel.InvokeAsync<T>(
            client.Rpc, method, parameters, $"plugin '{pluginName}'", $"plugin '{pluginName}' is unavailable: its connection closed", cancellationToken);
}
