using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Benchmarks.E2e.Plugins;

namespace PluginHost.Benchmarks.E2e.Scenarios;

/// <summary>
/// <c>plugin_idle_rss_mib</c>: VmRSS of one mock plugin process serving one mount that has answered a write and a read,
/// after sitting idle for the budget's idle time; the median of five readings half a second apart.
/// </summary>
internal static class IdleRss
{
    public static async Task<double> MeasureMibAsync(Workspace workspace, MockPluginBinary plugin, Budget budget, CancellationToken cancellationToken)
    {
        await using var bench = BenchHost.Create(workspace);
        await bench.RegisterMockAsync(plugin, cancellationToken);
        await bench.Host.Mounts.EnableAsync(BenchHost.MockAt(plugin, "idle"), cancellationToken);
        await bench.SeedAsync("idle/kv/foo", cancellationToken);
        var pid = workspace.PluginProcesses().Single();
        await Task.Delay(budget.Idle, cancellationToken);
        return await ProcessMemory.MedianVmRssKibAsync(pid, samples: 5, TimeSpan.FromMilliseconds(500), cancellationToken) / 1024;
    }
}
