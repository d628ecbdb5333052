using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RawProtocolPlugin;

/// <summary>
/// The host → plugin methods of protocol.md §4. One process serves every mount of its catalog entry, each a backend
/// instance named by <c>instance_id</c>, so calls for different instances interleave freely.
/// </summary>
internal sealed class PluginService(RpcPeer host) : IRpcTarget
{
    private readonly ConcurrentDictionary<string, KvBackend> _instances = new();
    private readonly TaskCompletionSource _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the host sends <c>plugin.shutdown</c>.</summary>
    public Task ShutdownRequested => _shutdown.Task;

    public async Task<JsonNode?> HandleRequestAsync(string method, JsonElement parameters, CancellationToken cancellationToken) => method switch
    {
        "backend.setup" => Setup(parameters),
        "backend.handleRequest" => await InstanceOf(parameters).HandleAsync(RequestOf(parameters), cancellationToken),
        "backend.existenceCheck" => await InstanceOf(parameters).ExistsAsync(RequestOf(parameters), cancellationToken),
        "backend.invalidateKey" => InvalidateKey(parameters),
        "backend.cleanup" => Cleanup(parameters),
        _ => throw new RpcError(RpcError.MethodNotFound, $"method not found: {method}"),
    };

    public void HandleNotification(string method, JsonElement parameters)
    {
        if (method == "plugin.shutdown")
        {
            StderrLog.Information("shutting down: the host asked");
            _shutdown.TrySetResult();
        }
    }

    private JsonObject Setup(JsonElement parameters)
    {
        var instanceId = Params.RequiredString(parameters, "instance_id");
        var type = Params.RequiredString(parameters, "type");

        // A kv engine is a secrets engine; asked to be an auth method, it says so and the host refuses the mount,
        // so only a secret mount becomes an instance.
        if (type == "secret" && !_instances.TryAdd(instanceId, new KvBackend(new HostStorage(host, instanceId))))
        {
            throw new RpcError(RpcError.BadRequest, $"backend instance '{instanceId}' is already set up");
        }

        StderrLog.Information($"set up instance {instanceId} for {type} mount '{Params.OptionalString(parameters, "mount_path")}'");
        return new JsonObject
        {
            ["type"] = "secret",
            ["special_paths"] = new JsonObject { ["unauthenticated"] = new JsonArray(), ["root"] = new JsonArray() },
        };
    }

    private KvBackend InstanceOf(JsonElement parameters)
    {
        var instanceId = Params.RequiredString(parameters, "instance_id");
        return _instances.TryGetValue(instanceId, out var instance)
            ? instance
            : throw new RpcError(RpcError.NotFound, $"unknown backend instance '{instanceId}'");
    }

    private static BackendRequest RequestOf(JsonElement parameters) => BackendRequest.From(Params.Required(parameters, "request"));

    private JsonNode? InvalidateKey(JsonElement parameters)
    {
        // Nothing is cached (every request reads the host's storage); an unknown instance is still an error.
        _ = InstanceOf(parameters);
        _ = Params.RequiredString(parameters, "key");
        return null;
    }

    private JsonNode? Cleanup(JsonElement parameters)
    {
        var instanceId = Params.RequiredString(parameters, "instance_id");
        if (_instances.TryRemove(instanceId, out _))
        {
            StderrLog.Information($"cleaned up instance {instanceId}");
        }

        return null;
    }
}
