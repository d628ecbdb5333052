using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using PluginHost.Benchmarks.E2e.Measurement;
using StreamJsonRpc;

namespace PluginHost.Benchmarks.E2e.Floors;

/// <summary>
/// Floor <c>jsonrpc_uds_rtt_us_p50</c>: one bare StreamJsonRpc request and answer over a Unix socket pair, both ends
/// in this process, with the handler, formatter and serializer options of PluginHost's <c>ProtocolChannel</c> (copied:
/// it is internal to the SDK). Parameters and result are the size of a storage.get call.
/// </summary>
internal static class JsonRpcUdsPing
{
    public static async Task<LatencyResult> MeasureAsync(LatencySampler sampler, CancellationToken cancellationToken)
    {
        using var pair = await UnixSocketPair.CreateAsync(cancellationToken);
        using var server = Create(pair.PluginEnd, new PingTarget());
        using var client = Create(pair.HostEnd, target: null);
        var parameters = new PingParams { InstanceId = "0123456789abcdef0123456789abcdef", Key = "kv/foo" };
        return await sampler.MeasureAsync(
            async ct =>
            {
                var answer = await client.InvokeWithParameterObjectAsync<PingResult>(PingTarget.Method, parameters, ct);
                if (answer.Value != "bar")
                {
                    throw new InvalidOperationException("wrong ping answer");
                }
            },
            batchSize: 1,
            cancellationToken);
    }

    /// <summary>
    /// Floor <c>jsonrpc_uds_rps_c64</c>: the same call, <paramref name="callers"/> callers in a closed loop over the one
    /// connection, both ends in this process.
    /// </summary>
    public static async Task<(double Median, IReadOnlyList<double> Windows)> MeasureThroughputAsync(
        Budget budget, int callers, CancellationToken cancellationToken)
    {
        using var pair = await UnixSocketPair.CreateAsync(cancellationToken);
        using var server = Create(pair.PluginEnd, new PingTarget());
        using var client = Create(pair.HostEnd, target: null);
        var parameters = new PingParams { InstanceId = "0123456789abcdef0123456789abcdef", Key = "kv/foo" };
        return await new ThroughputSampler(budget).MeasureAsync(
            callers,
            async ct =>
            {
                var answer = await client.InvokeWithParameterObjectAsync<PingResult>(PingTarget.Method, parameters, ct);
                if (answer.Value != "bar")
                {
                    throw new InvalidOperationException("wrong ping answer");
                }
            },
            cancellationToken);
    }

    // Keep in step with src/PluginHost.Sdk/Protocol/ProtocolChannel.cs.
    private static JsonRpc Create(Socket socket, object? target)
    {
        var formatter = new SystemTextJsonFormatter
        {
            JsonSerializerOptions = new JsonSerializerOptions(JsonSerializerDefaults.General)
            {
                DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            },
        };
        var rpc = new JsonRpc(new HeaderDelimitedMessageHandler(new NetworkStream(socket, ownsSocket: false), formatter));
        if (target is not null)
        {
            rpc.AddLocalRpcTarget(target, new JsonRpcTargetOptions { AllowNonPublicInvocation = false });
        }

        rpc.StartListening();
        return rpc;
    }
}

/// <summary>The served end of the JSON-RPC floor (public: the protocol's targets allow no non-public invocation).</summary>
public sealed class PingTarget
{
    public const string Method = "storage.get";

    [JsonRpcMethod(Method, UseSingleObjectParameterDeserialization = true)]
    public Task<PingResult> GetAsync(PingParams parameters, CancellationToken cancellationToken) =>
        Task.FromResult(new PingResult { Value = parameters?.Key is null ? "" : "bar" });
}

public sealed class PingParams
{
    [JsonPropertyName("instance_id")]
    public string? InstanceId { get; init; }

    [JsonPropertyName("key")]
    public string? Key { get; init; }
}

public sealed class PingResult
{
    [JsonPropertyName("value")]
    public string? Value { get; init; }
}
