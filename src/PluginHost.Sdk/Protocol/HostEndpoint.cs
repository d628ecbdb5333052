using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using PluginHost.Protocol;
using PolyType;
using StreamJsonRpc;

namespace PluginHost.Sdk.Protocol;

/// <summary>
/// The host's end of a connection: checks the plugin's hello, then serves its storage calls, each scoped to the
/// storage view of an instance set up on this very connection (a plugin cannot name any other mount's keys).
/// </summary>
[GenerateShape(IncludeMethods = MethodShapeFlags.PublicInstance)]
internal sealed partial class HostEndpoint(string token, IReadOnlyList<int> hostVersions, string hostName)
{
    private readonly ConcurrentDictionary<string, IStorage> _views = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<HelloParams> _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the plugin's hello once it is accepted; faults when it is refused.</summary>
    internal Task<HelloParams> Hello => _hello.Task;

    /// <summary>The negotiated protocol version, once the hello is accepted.</summary>
    internal int ProtocolVersion { get; private set; }

    internal void AddView(string instanceId, IStorage view)
    {
        if (!_views.TryAdd(instanceId, view))
        {
            throw new InvalidOperationException($"backend instance '{instanceId}' is already set up on this connection");
        }
    }

    internal void RemoveView(string instanceId) => _views.TryRemove(instanceId, out _);

    /// <summary>Fails the hello (the connection was lost before it came).</summary>
    internal void Abandon(Exception reason) => _hello.TrySetException(reason);

    [JsonRpcMethod(ProtocolMethods.Hello, UseSingleObjectParameterDeserialization = true)]
    public HelloResult OnHello(HelloParams parameters)
    {
        if (_hello.Task.IsCompleted)
        {
            throw new LocalRpcException("hello was already received on this connection") { ErrorCode = (int)ErrorCode.BadRequest };
        }

        if (parameters?.Token is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(parameters.Token), Encoding.UTF8.GetBytes(token)))
        {
            var refused = new PluginHostException(ErrorCode.Forbidden, "the plugin presented a wrong token in its hello; only the process the host started may connect");
            _hello.TrySetException(refused);
            throw new LocalRpcException("invalid token") { ErrorCode = (int)ErrorCode.Forbidden };
        }

        var pluginVersions = parameters.ProtocolVersions ?? [];
        var common = pluginVersions.Intersect(hostVersions).DefaultIfEmpty(0).Max();
        if (common == 0)
        {
            var spoken = pluginVersions.Count == 0 ? "none (give 'protocol_versions')" : string.Join(", ", pluginVersions);
            var message = $"no common protocol version: the host speaks {string.Join(", ", hostVersions)}, the plugin speaks {spoken}";
            _hello.TrySetException(new PluginHostException(ErrorCode.BadRequest, message));
            throw new LocalRpcException(message) { ErrorCode = (int)ErrorCode.BadRequest };
        }

        ProtocolVersion = common;
        _hello.TrySetResult(parameters);
        return new HelloResult { ProtocolVersion = common, Host = hostName };
    }

    [JsonRpcMethod(ProtocolMethods.StorageGet, UseSingleObjectParameterDeserialization = true)]
    public async Task<StorageEntry?> GetAsync(InstanceParams parameters, CancellationToken cancellationToken) =>
        await ProtocolChannel.ServeAsync(() => View(parameters).GetAsync(parameters.Key ?? "", cancellationToken)).ConfigureAwait(false);

    [JsonRpcMethod(ProtocolMethods.StoragePut, UseSingleObjectParameterDeserialization = true)]
    public async Task PutAsync(InstanceParams parameters, CancellationToken cancellationToken) =>
        await ProtocolChannel.ServeAsync(async () =>
        {
            var value = parameters.Value ?? throw new PluginHostException(ErrorCode.BadRequest, $"{ProtocolMethods.StoragePut} needs a 'value' (base64)");
            await View(parameters).PutAsync(new StorageEntry(parameters.Key ?? "", value), cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    [JsonRpcMethod(ProtocolMethods.StorageDelete, UseSingleObjectParameterDeserialization = true)]
    public async Task DeleteAsync(InstanceParams parameters, CancellationToken cancellationToken) =>
        await ProtocolChannel.ServeAsync(async () =>
        {
            await View(parameters).DeleteAsync(parameters.Key ?? "", cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    [JsonRpcMethod(ProtocolMethods.StorageList, UseSingleObjectParameterDeserialization = true)]
    public async Task<string[]> ListAsync(InstanceParams parameters, CancellationToken cancellationToken) =>
        await ProtocolChannel.ServeAsync(async () =>
        {
            // The wire type is fixed (ProtocolJsonContext), whatever list the storage returns.
            var keys = await View(parameters).ListAsync(parameters.Key ?? "", cancellationToken).ConfigureAwait(false);
            return keys as string[] ?? [.. keys];
        }).ConfigureAwait(false);

    private IStorage View(InstanceParams parameters)
    {
        if (!_hello.Task.IsCompletedSuccessfully)
        {
            throw new PluginHostException(ErrorCode.Forbidden, $"call {ProtocolMethods.Hello} before anything else");
        }

        if (string.IsNullOrEmpty(parameters?.InstanceId))
        {
            throw new PluginHostException(ErrorCode.BadRequest, "storage calls need an 'instance_id': the one given in the backend.setup of the mount the call is for");
        }

        return _views.TryGetValue(parameters.InstanceId, out var view)
            ? view
            : throw new PluginHostException(ErrorCode.Forbidden, $"backend instance '{parameters.InstanceId}' is not set up on this connection");
    }
}
