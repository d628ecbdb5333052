using System.Text.Json;
using PluginHost.Backends;
using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Storage;

namespace PluginHost.Benchmarks.E2e.Floors;

/// <summary>
/// Floor <c>inproc_call_ns</c>: the IBackend call an external read makes the plugin do, made in-process and directly:
/// the mock plugin's <see cref="KvBackend"/> (<c>kv/</c> prefix) reading <c>kv/foo</c> from an <see cref="InMemoryStorage"/>.
/// No routing, no lease, no timeout, no transport. Timed in batches: one call is too short for a clock read each.
/// </summary>
internal static class InProcessKvCall
{
    private const int Batch = 1000;

    public static async Task<LatencyResult> MeasureAsync(LatencySampler sampler, CancellationToken cancellationToken)
    {
        var kv = new KvBackend(new KvBackendOptions { PathPrefix = "kv/", EchoWrites = true });
        await kv.SetupAsync(
            new BackendConfig { Storage = new InMemoryStorage(), MountPath = "floor/", BackendUuid = Guid.NewGuid().ToString(), Type = BackendType.Secret },
            cancellationToken);
        await kv.HandleRequestAsync(
            new BackendRequest
            {
                Operation = Operation.Update,
                Path = "kv/foo",
                Data = new Dictionary<string, JsonElement> { ["value"] = JsonSerializer.SerializeToElement("bar") },
            },
            cancellationToken);
        var read = new BackendRequest { Operation = Operation.Read, Path = "kv/foo", MountPoint = "floor/" };
        if ((await kv.HandleRequestAsync(read, cancellationToken))?.Data?["value"].GetString() != "bar")
        {
            throw new InvalidOperationException("the in-process kv read did not answer value=bar");
        }

        return await sampler.MeasureAsync(
            async ct =>
            {
                for (var i = 0; i < Batch; i++)
                {
                    await kv.HandleRequestAsync(read, ct);
                }
            },
            Batch,
            cancellationToken);
    }
}
