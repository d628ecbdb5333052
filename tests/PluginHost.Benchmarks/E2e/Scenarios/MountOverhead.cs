using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Benchmarks.E2e.Plugins;
using PluginHost.Hosting;

namespace PluginHost.Benchmarks.E2e.Scenarios;

/// <summary>
/// <c>mount_overhead_kib</c>: memory one more mount of an already running plugin costs (multiplexing: one process,
/// one more backend instance in it). In a fresh host: mount once, read once, settle, measure; mount 99 more (each read
/// once), settle, measure; (after − before) / 99. Each measurement follows a full blocking GC in both processes (the
/// plugin's induced through its diagnostics port, <see cref="RemoteGc"/>), so RSS holds live data plus what the GC kept
/// committed, not the setup garbage of 99 mounts.
/// </summary>
/// <remarks>
/// The RSS delta also holds one-time costs the 99 mounts trigger (tier-1 JIT of the setup path, framework code paged
/// in, GC regions committed for their garbage and kept after the GC), which is why the managed heap deltas are
/// reported beside it. A second 1 → 100 cycle in the same pair was tried and dropped: its RSS delta followed the GC's
/// decommit timing (it came out negative), not the mounts.
/// </remarks>
internal sealed class MountOverhead
{
    public const int Mounts = 100;

    /// <summary>Host + plugin RSS per extra mount, KiB.</summary>
    public required double TotalRssKib { get; init; }

    public required double HostRssKib { get; init; }

    public required double PluginRssKib { get; init; }

    /// <summary>Host managed heap (live objects after GC) per extra mount, KiB.</summary>
    public required double HostManagedKib { get; init; }

    /// <summary>Plugin managed heap (after its induced GC) per extra mount, KiB.</summary>
    public required double PluginManagedKib { get; init; }

    /// <param name="workspace">The run's workspace.</param>
    /// <param name="plugin">The plugin to mount.</param>
    /// <param name="budget">How many mounts and rounds.</param>
    /// <param name="cancellationToken">Cancels the measurement.</param>
    /// <param name="induceGcInPlugin">
    /// False for a NativeAOT plugin, which has no diagnostics port by default: its RSS is read without the induced GC
    /// and <see cref="PluginManagedKib"/> is NaN.
    /// </param>
    public static async Task<MountOverhead> MeasureAsync(
        Workspace workspace, MockPluginBinary plugin, Budget budget, CancellationToken cancellationToken, bool induceGcInPlugin = true)
    {
        await using var bench = BenchHost.Create(workspace);
        var host = bench.Host;
        await bench.RegisterMockAsync(plugin, cancellationToken);
        await MountAndReadAsync(host, plugin, 0, cancellationToken);
        var pid = workspace.PluginProcesses().Single();

        var one = await SnapshotAsync(pid, budget, induceGcInPlugin, cancellationToken);
        for (var i = 1; i < Mounts; i++)
        {
            await MountAndReadAsync(host, plugin, i, cancellationToken);
        }

        if (workspace.PluginProcesses() is not [var same] || same != pid)
        {
            throw new InvalidOperationException($"{Mounts} mounts of one entry should share plugin process {pid}");
        }

        var hundred = await SnapshotAsync(pid, budget, induceGcInPlugin, cancellationToken);

        const double Extra = Mounts - 1;
        return new MountOverhead
        {
            HostRssKib = (hundred.HostRssKib - one.HostRssKib) / Extra,
            PluginRssKib = (hundred.PluginRssKib - one.PluginRssKib) / Extra,
            TotalRssKib = (hundred.TotalRssKib - one.TotalRssKib) / Extra,
            HostManagedKib = (hundred.HostManagedBytes - one.HostManagedBytes) / 1024.0 / Extra,
            PluginManagedKib = (hundred.PluginManagedBytes - one.PluginManagedBytes) / 1024.0 / Extra,
        };
    }

    private static async Task MountAndReadAsync(IPluginHost host, MockPluginBinary plugin, int index, CancellationToken cancellationToken)
    {
        await host.Mounts.EnableAsync(BenchHost.MockAt(plugin, $"m-{index}"), cancellationToken);
        await host.ReadAsync($"m-{index}/kv/foo", cancellationToken);
    }

    private static async Task<Snapshot> SnapshotAsync(int pluginPid, Budget budget, bool induceGcInPlugin, CancellationToken cancellationToken)
    {
        // Settle first (tiering, the background GC), then collect both, then read.
        await Task.Delay(budget.Settle, cancellationToken);
        var pluginManaged = induceGcInPlugin ? await RemoteGc.CollectAsync(pluginPid, cancellationToken) : double.NaN;
        ProcessMemory.CollectHostGarbage();
        var hostManaged = GC.GetTotalMemory(forceFullCollection: true);
        var spacing = TimeSpan.FromMilliseconds(200);
        var host = await ProcessMemory.MedianVmRssKibAsync(Environment.ProcessId, samples: 3, spacing, cancellationToken);
        var plugin = await ProcessMemory.MedianVmRssKibAsync(pluginPid, samples: 3, spacing, cancellationToken);
        return new Snapshot(host, plugin, hostManaged, pluginManaged);
    }

    private sealed record Snapshot(double HostRssKib, double PluginRssKib, long HostManagedBytes, double PluginManagedBytes)
    {
        public double TotalRssKib => HostRssKib + PluginRssKib;
    }
}
