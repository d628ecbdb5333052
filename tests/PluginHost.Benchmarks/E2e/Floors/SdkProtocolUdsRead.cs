using System.Net.Sockets;
using System.Text.Json;
using PluginHost.Backends;
using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Sdk;
using PluginHost.Sdk.Protocol;
using PluginHost.Storage;

namespace PluginHost.Benchmarks.E2e.Floors;

/// <summary>
/// Floor <c>sdk_protocol_uds_read_us_p50</c>: the external read's whole protocol exchange without the process boundary
/// and without the host's routing: the SDK's <see cref="PluginClient"/> and <see cref="PluginServer"/> joined by a Unix
/// socket pair in this process, a <see cref="KvBackend"/> instance reading <c>kv/foo</c> back from host storage
/// (two JSON-RPC round trips: handle_request, then storage.get).
/// </summary>
internal static class SdkProtocolUdsRead
{
    public static async Task<LatencyResult> MeasureAsync(LatencySampler sampler, CancellationToken cancellationToken)
    {
        using var pair = await UnixSocketPair.CreateAsync(cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = Guid.NewGuid().ToString("N");
        var client = PluginClient.Start(new NetworkStream(pair.HostEnd, ownsSocket: false), token, "e2e-floor");
        var server = Task.Run(
            () => PluginServer.ServeAsync(
                new NetworkStream(pair.PluginEnd, ownsSocket: false),
                () => new KvBackend(new KvBackendOptions { PathPrefix = "kv/", EchoWrites = true }),
                token,
                stop.Token),
            CancellationToken.None);
        try
        {
            await client.Hello.WaitAsync(cancellationToken);
            var backend = client.CreateBackend(Guid.NewGuid().ToString("N"), BackendType.Secret, "e2e-floor");
            await backend.SetupAsync(
                new BackendConfig { Storage = new InMemoryStorage(), MountPath = "floor/", BackendUuid = Guid.NewGuid().ToString(), Type = BackendType.Secret },
                cancellationToken);
            await backend.HandleRequestAsync(
                new BackendRequest
                {
                    Operation = Operation.Update,
                    Path = "kv/foo",
                    Data = new Dictionary<string, JsonElement> { ["value"] = JsonSerializer.SerializeToElement("bar") },
                },
                cancellationToken);
            var read = new BackendRequest { Operation = Operation.Read, Path = "kv/foo", MountPoint = "floor/", RequestId = Guid.NewGuid().ToString() };
            if ((await backend.HandleRequestAsync(read, cancellationToken))?.Data?["value"].GetString() != "bar")
            {
                throw new InvalidOperationException("the protocol read did not answer value=bar");
            }

            return await sampler.MeasureAsync(async ct => await backend.HandleRequestAsync(read, ct), batchSize: 1, cancellationToken);
        }
        finally
        {
            await client.ShutdownAsync();
            await stop.CancelAsync();
            await client.DisposeAsync();
            try
            {
                await server;
            }
            catch (Exception e) when (e is OperationCanceledException or PluginHostException)
            {
                // Stopping is what we asked for.
            }
        }
    }
}
