using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using System.Text.Json;
using PluginHost.Protocol;
using StreamJsonRpc;

namespace PluginHost.AdversarialPlugin;

/// <summary>
/// The plugin's end of the protocol, written straight on StreamJsonRpc. Each request path is one way to misbehave;
/// <c>kv/…</c> stores data in the instance's view and any other path answers the process id.
/// </summary>
[SuppressMessage("Performance", "CA1822", Justification = "StreamJsonRpc serves instance methods of a target object.")]
internal sealed class AdversarialEndpoint(Socket socket)
{
    private readonly ConcurrentDictionary<string, SetupParams> _instances = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private JsonRpc? _rpc;
    private ReadPausingStream? _reading;

    private JsonRpc Rpc => _rpc ?? throw new InvalidOperationException("not connected");

    /// <summary>The framing and encoding of docs/protocol.md: Content-Length headers, UTF-8 JSON, nulls left out.</summary>
    public static JsonRpc CreateRpc(Stream stream, object? target)
    {
        var formatter = new SystemTextJsonFormatter
        {
            JsonSerializerOptions = new JsonSerializerOptions(JsonSerializerDefaults.General)
            {
                DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
            },
        };
        var rpc = new JsonRpc(new HeaderDelimitedMessageHandler(stream, formatter));
        if (target is not null)
        {
            rpc.AddLocalRpcTarget(target);
        }

        return rpc;
    }

    /// <summary>Says hello and serves until the host shuts the plugin down or the connection closes.</summary>
    public static async Task<int> ServeAsync(Socket socket, string token)
    {
        var endpoint = new AdversarialEndpoint(socket);
        await using var stream = new ReadPausingStream(new NetworkStream(socket, ownsSocket: false));
        endpoint._reading = stream;
        using var rpc = CreateRpc(stream, endpoint);
        endpoint._rpc = rpc;
        rpc.StartListening();
        await rpc.InvokeWithParameterObjectAsync<HelloResult>(
            ProtocolMethods.Hello,
            new HelloParams { Token = token, ProtocolVersions = [1], PluginName = Environment.GetEnvironmentVariable(PluginEnvironment.PluginName), Sdk = "adversarial" });

        // Like a well-behaved plugin it lives as long as its connection; what it does wrong is in the requests.
        await Task.WhenAny(rpc.Completion, endpoint._shutdown.Task);
        if (StartupModes.IgnoresShutdown)
        {
            // Outlives its connection too: only a kill ends it.
            await Task.Delay(Timeout.Infinite);
        }

        return 0;
    }

    [JsonRpcMethod(ProtocolMethods.Setup, UseSingleObjectParameterDeserialization = true)]
    public SetupResult Setup(SetupParams parameters) =>
        _instances.TryAdd(parameters.InstanceId, parameters)
            ? new SetupResult { Type = BackendType.Secret }
            : throw new LocalRpcException($"backend instance '{parameters.InstanceId}' is already set up") { ErrorCode = (int)ErrorCode.BadRequest };

    [JsonRpcMethod(ProtocolMethods.ExistenceCheck, UseSingleObjectParameterDeserialization = true)]
    public bool? ExistenceCheck(InstanceRequestParams parameters) => null;

    [JsonRpcMethod(ProtocolMethods.InvalidateKey, UseSingleObjectParameterDeserialization = true)]
    public void InvalidateKey(InstanceParams parameters)
    {
    }

    [JsonRpcMethod(ProtocolMethods.Cleanup, UseSingleObjectParameterDeserialization = true)]
    public void Cleanup(InstanceParams parameters) => _instances.TryRemove(parameters.InstanceId, out _);

    [JsonRpcMethod(ProtocolMethods.Shutdown)]
    public void Shutdown()
    {
        if (StartupModes.IgnoresShutdown)
        {
            Stderr.Line("ignoring the shutdown, on purpose");
            return;
        }

        _shutdown.TrySetResult();
    }

    [JsonRpcMethod(ProtocolMethods.HandleRequest, UseSingleObjectParameterDeserialization = true)]
    public async Task<BackendResponse?> HandleRequestAsync(InstanceRequestParams parameters, CancellationToken cancellationToken)
    {
        // Off the connection's reading loop, so a request that blocks cannot stop the others from being read.
        await Task.Yield();
        var instance = _instances.TryGetValue(parameters.InstanceId, out var setup)
            ? setup
            : throw new LocalRpcException($"no backend instance '{parameters.InstanceId}'") { ErrorCode = (int)ErrorCode.NotFound };
        var request = parameters.Request;
        switch (request.Path)
        {
            case "ignore-cancellation":
                // Blocks without looking at the token, as a buggy plugin would.
                Thread.Sleep(Timeout.Infinite);
                return null;
            case "hang":
                return await HangAsync(cancellationToken);
            case "slow":
                return await SlowAsync(request, cancellationToken);
            case "crash":
                await Console.Error.WriteLineAsync("about to crash on purpose");
                Environment.Exit(3);
                return null;
            case "huge":
                return BackendResponse.WithData([new("blob", new string('x', 20 * 1024 * 1024))]);
            case "garbage":
                return await WriteIntoTheConnectionAsync(Junk.Noise, cancellationToken);
            case "garbage-json":
                return await WriteIntoTheConnectionAsync(Junk.FramedNonJson, cancellationToken);
            case "duplicate-content-length":
                return await WriteIntoTheConnectionAsync(Junk.DuplicateContentLength, cancellationToken);
            case "die-mid-write":
                return DieMidWrite.Arm(socket, _reading!);
            case "flood":
                return await StorageFlood.RunAsync(socket, _reading!, instance.InstanceId, request.Data, cancellationToken);
            case "escape":
                return BackendResponse.WithData(await StorageEscape.TryAllAsync(Rpc, instance, request.Data, cancellationToken));
            case "deaf":
                // Answers this request, then never reads its connection again (nor exits when asked): whatever the host
                // writes next piles up in the socket until the host's writes block.
                StartupModes.IgnoreShutdown();
                _ = Task.Run(async () =>
                {
                    await Task.Delay(200);
                    Stderr.Line("no longer reading the connection, on purpose");
                    Rpc.Dispose();
                }, CancellationToken.None);
                return BackendResponse.WithData([new("deaf", true)]);
            case "detach":
                return BackendResponse.WithData([new("grandchild", Containment.DetachGrandchild(holdOutput: false))]);
            case "grandchild":
                return BackendResponse.WithData([new("grandchild", StartupModes.Grandchild)]);
            case "socket-dir":
                return BackendResponse.WithData([new("socket_dir", Path.GetDirectoryName(Environment.GetEnvironmentVariable(PluginEnvironment.Socket)))]);
            case "fds":
                return BackendResponse.WithData([new("fds", Containment.Descriptors())]);
            case "env":
                // The names only (values include the one-time token), sorted, comma-separated.
                var names = Environment.GetEnvironmentVariables().Keys.Cast<string>().Order(StringComparer.Ordinal);
                return BackendResponse.WithData([new("env", string.Join(',', names))]);
            case "allocate":
                Containment.StartAllocating();
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return null;
            case "open-files":
                var count = request.Data is { } files && files.TryGetValue("count", out var n) ? int.Parse(n.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : 100;
                var (opened, error) = Containment.OpenFiles(count);
                Containment.CloseFiles();
                return BackendResponse.WithData([new("opened", opened), new("error", error)]);
            case "spawn":
                var wanted = request.Data is { } spawn && spawn.TryGetValue("count", out var c) ? int.Parse(c.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : 10;
                var (started, failure) = Containment.SpawnProcesses(wanted);
                return BackendResponse.WithData([new("started", started), new("error", failure)]);
            case "redirect":
                // Sends the caller to another site, as a compromised plugin would try.
                return new BackendResponse { Redirect = "http://evil.example/phish" };
            case "status":
                // Asks for a status of its own (?code=401: a credentials prompt in the server's name).
                var code = request.Data is { } asked && asked.TryGetValue("code", out var given) ? int.Parse(given.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : 401;
                return new BackendResponse { StatusCode = code, Data = BackendResponse.WithData([new("asked", code)]).Data };
            case "long-error":
                throw new LocalRpcException(new string('e', 15 * 1024 * 1024)) { ErrorCode = (int)ErrorCode.BadRequest };
            case "stop-flood":
                return BackendResponse.WithData([new("flooded_bytes", await StderrFlood.StopAsync())]);
            case var kv when kv.StartsWith("kv/", StringComparison.Ordinal):
                return await KvAsync(instance.InstanceId, request, cancellationToken);
            default:
                return BackendResponse.WithData([new("pid", Environment.ProcessId), new("path", request.Path)]);
        }
    }

    // Answers after the "ms" the request gives (a slow but finite backend), saying when it starts so a test knows the
    // request is in flight.
    private static async Task<BackendResponse?> SlowAsync(BackendRequest request, CancellationToken cancellationToken)
    {
        var ms = request.Data is { } data && data.TryGetValue("ms", out var value) ? int.Parse(value.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : 1000;
        Stderr.Log("Information", "slow started");
        await Task.Delay(ms, cancellationToken);
        return BackendResponse.WithData([new("slow", "done")]);
    }

    // Never answers, but stops when asked to, as a slow yet well-behaved backend does.
    private static async Task<BackendResponse?> HangAsync(CancellationToken cancellationToken)
    {
        Stderr.Log("Information", "hang started");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return null;
        }
        catch (OperationCanceledException)
        {
            Stderr.Log("Information", "hang cancelled");
            throw;
        }
    }

    // Bytes written straight into the socket, past the JSON-RPC layer; the request itself is never answered.
    private async Task<BackendResponse?> WriteIntoTheConnectionAsync(byte[] junk, CancellationToken cancellationToken)
    {
        Stderr.Log("Warning", $"writing {junk.Length} bytes of garbage into the connection, on purpose");
        await socket.SendAsync(junk, cancellationToken);
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return null;
    }

    private async Task<BackendResponse?> KvAsync(string instanceId, BackendRequest request, CancellationToken cancellationToken)
    {
        var key = new Dictionary<string, object?> { ["instance_id"] = instanceId, ["key"] = request.Path };
        switch (request.Operation)
        {
            case Operation.Read:
                var entry = await Rpc.InvokeWithParameterObjectAsync<StorageEntry?>(ProtocolMethods.StorageGet, key, cancellationToken);
                return entry is null ? null : new BackendResponse { Data = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(entry.Value) };
            case Operation.Create or Operation.Update:
                key["value"] = JsonSerializer.SerializeToUtf8Bytes(request.Data ?? new Dictionary<string, JsonElement>());
                await Rpc.InvokeWithParameterObjectAsync<object?>(ProtocolMethods.StoragePut, key, cancellationToken);
                return null;
            case Operation.Delete:
                await Rpc.InvokeWithParameterObjectAsync<object?>(ProtocolMethods.StorageDelete, key, cancellationToken);
                return null;
            default:
                throw new LocalRpcException($"{request.Operation} is not supported on kv/") { ErrorCode = (int)ErrorCode.Unsupported };
        }
    }
}
