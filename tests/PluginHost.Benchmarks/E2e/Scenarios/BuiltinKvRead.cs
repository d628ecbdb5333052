using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Benchmarks.E2e.Plugins;
using PluginHost.Hosting;
using PluginHost.Mounts;

namespace PluginHost.Benchmarks.E2e.Scenarios;

/// <summary>
/// <c>builtin_kv_read_us_p50</c>: <c>IPluginHost.ReadAsync("builtin/foo")</c> on a mount of the builtin <c>kv</c>:
/// routing, mount lease, request timeout, request id, the kv backend and the mount's storage view over memory.
/// </summary>
internal static class BuiltinKvRead
{
    public static async Task<LatencyResult> MeasureAsync(Workspace workspace, LatencySampler sampler, CancellationToken cancellationToken)
    {
        await using var bench = BenchHost.Create(workspace);
        var host = bench.Host;
        await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "builtin" }, cancellationToken);
        await bench.SeedAsync("builtin/foo", cancellationToken);
        return await sampler.MeasureAsync(async ct => await host.ReadAsync("builtin/foo", ct), batchSize: 1, cancellationToken);
    }
}
