using System.Collections.Concurrent;
using PluginHost.Protocol;
using PolyType;
using StreamJsonRpc;

namespace PluginHost.Sdk.Protocol;

/// <summary>
/// The plugin's end of a connection: serves the host's calls by creating one backend instance per mount
/// (multiplexing) and routing each call to the instance it names.
/// </summary>
[GenerateShape(IncludeMethods = MethodShapeFlags.PublicInstance)]
internal sealed partial class PluginEndpoint(Func<IBackend> factory)
{
    private readonly ConcurrentDictionary<string, IBackend> _instances = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private JsonRpc? _rpc;

    /// <summary>Completes when the host asks the plugin to shut down.</summary>
    internal Task ShutdownRequested => _shutdown.Task;

    /// <summary>The number of live backend instances.</summary>
    internal int InstanceCount => _instances.Count;

    internal void Attach(JsonRpc rpc) => _rpc = rpc;

    [JsonRpcMethod(ProtocolMethods.Setup, UseSingleObjectParameterDeserialization = true)]
    public Task<SetupResult> SetupAsync(SetupParams parameters, CancellationToken cancellationToken) =>
        ProtocolChannel.ServeAsync(async () =>
        {
            ArgumentNullException.ThrowIfNull(parameters);
            var rpc = _rpc ?? throw new InvalidOperationException("the endpoint is not attached to a connection");
            var backend = factory();
            if (!_instances.TryAdd(parameters.InstanceId, backend))
            {
                throw new PluginHostException(ErrorCode.BadRequest, $"backend instance '{parameters.InstanceId}' is already set up");
            }

            try
            {
                await backend.SetupAsync(
                    new BackendConfig
                    {
                        Storage = new RemoteStorage(rpc, parameters.InstanceId),
                        MountPath = parameters.MountPath,
                        BackendUuid = parameters.BackendUuid,
                        Type = parameters.Type,
                        Options = parameters.Options,
                        Logger = new StderrJsonLogger(backend.GetType().Name, parameters.MountPath, Console.Error),
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                _instances.TryRemove(parameters.InstanceId, out _);
                throw;
            }

            return new SetupResult { Type = backend.Type, SpecialPaths = backend.SpecialPaths };
        });

    [JsonRpcMethod(ProtocolMethods.HandleRequest, UseSingleObjectParameterDeserialization = true)]
    public Task<BackendResponse?> HandleRequestAsync(InstanceRequestParams parameters, CancellationToken cancellationToken) =>
        ProtocolChannel.ServeAsync(() => Instance(parameters.InstanceId).HandleRequestAsync(parameters.Request, cancellationToken));

    [JsonRpcMethod(ProtocolMethods.ExistenceCheck, UseSingleObjectParameterDeserialization = true)]
    public Task<bool?> ExistenceCheckAsync(InstanceRequestParams parameters, CancellationToken cancellationToken) =>
        ProtocolChannel.ServeAsync(() => Instance(parameters.InstanceId).ExistenceCheckAsync(parameters.Request, cancellationToken));

    [JsonRpcMethod(ProtocolMethods.InvalidateKey, UseSingleObjectParameterDeserialization = true)]
    public Task InvalidateKeyAsync(InstanceParams parameters, CancellationToken cancellationToken) =>
        ProtocolChannel.ServeAsync(async () =>
        {
            await Instance(parameters.InstanceId).InvalidateKeyAsync(parameters.Key ?? "", cancellationToken).ConfigureAwait(false);
            return true;
        });

    [JsonRpcMethod(ProtocolMethods.Cleanup, UseSingleObjectParameterDeserialization = true)]
    public Task CleanupAsync(InstanceParams parameters, CancellationToken cancellationToken) =>
        ProtocolChannel.ServeAsync(async () =>
        {
            // Cleaning up an instance that is gone succeeds: the host may retry after a lost answer.
            if (_instances.TryRemove(parameters.InstanceId, out var backend))
            {
                await backend.CleanupAsync(cancellationToken).ConfigureAwait(false);
            }

            return true;
        });

    [JsonRpcMethod(ProtocolMethods.Shutdown)]
    public void Shutdown() => _shutdown.TrySetResult();

    private IBackend Instance(string instanceId) =>
        _instances.TryGetValue(instanceId, out var backend)
            ? backend
            : throw new PluginHostException(ErrorCode.NotFound, $"no backend instance '{instanceId}' in this plugin; the host must call {ProtocolMethods.Setup} first");
}
