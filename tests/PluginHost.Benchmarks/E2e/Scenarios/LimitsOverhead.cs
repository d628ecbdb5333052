using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Benchmarks.E2e.Plugins;
using PluginHost.Hosting;

namespace PluginHost.Benchmarks.E2e.Scenarios;

/// <summary>
/// <c>limits_overhead_…_pct</c>: what running a plugin under <see cref="BenchLimits"/> costs the external kv read. Two
/// hosts, each with its own warm plugin process (one limited, one not), are measured in alternating passes (sequential
/// p50, then 16 callers' rps; unlimited, limited, unlimited, …) so drift on a noisy machine falls on both sides. Each
/// figure is the median over the passes of <c>(limited − unlimited) / unlimited</c>, in percent: positive means the
/// limits cost that much latency (p50) or throughput (rps, sign flipped so that a loss is positive too).
/// </summary>
internal static class LimitsOverhead
{
    private const string Path = ExternalKvTraffic.Path;

    private const int Callers = 16;

    public static async Task<(double ReadP50Pct, double RpsC16Pct)> MeasureAsync(
        Workspace workspace, MockPluginBinary plugin, Budget budget, int passes, Action<string> progress, CancellationToken cancellationToken)
    {
        await using var unlimited = await StartAsync(workspace, plugin, limitsOn: false, cancellationToken);
        await using var limited = await StartAsync(workspace, plugin, limitsOn: true, cancellationToken);
        progress($"limits overhead: {budget.NewProcessWarmup.TotalSeconds:0} s warm-up of each plugin process");
        foreach (var bench in (BenchHost[])[unlimited, limited])
        {
            await ExternalKvTraffic.WarmAsync(Reader(bench), budget.NewProcessWarmup, cancellationToken);
        }

        var latency = new List<double>(passes);
        var throughput = new List<double>(passes);
        var sampler = new LatencySampler(budget);
        for (var pass = 1; pass <= passes; pass++)
        {
            progress($"limits overhead: pass {pass} of {passes} (sequential p50, then {Callers} callers; without, then with limits)");
            var plainP50 = (await sampler.MeasureAsync(Reader(unlimited), batchSize: 1, cancellationToken)).P50Us;
            var limitedP50 = (await sampler.MeasureAsync(Reader(limited), batchSize: 1, cancellationToken)).P50Us;
            var (plainRps, _) = await new ThroughputSampler(budget).MeasureAsync(Callers, Reader(unlimited), cancellationToken);
            var (limitedRps, _) = await new ThroughputSampler(budget).MeasureAsync(Callers, Reader(limited), cancellationToken);
            latency.Add((limitedP50 - plainP50) / plainP50 * 100);
            throughput.Add((plainRps - limitedRps) / plainRps * 100);
        }

        await unlimited.ExpectBarAsync(Path, cancellationToken);
        await limited.ExpectBarAsync(Path, cancellationToken);
        return (Stats.Median(latency), Stats.Median(throughput));
    }

    private static Func<CancellationToken, ValueTask> Reader(BenchHost bench) => async ct => await bench.Host.ReadAsync(Path, ct);

    private static async Task<BenchHost> StartAsync(Workspace workspace, MockPluginBinary plugin, bool limitsOn, CancellationToken cancellationToken)
    {
        var bench = BenchHost.Create(workspace, limitsOn);
        try
        {
            await bench.RegisterMockAsync(plugin, cancellationToken);
            await bench.Host.Mounts.EnableAsync(BenchHost.MockAt(plugin, "mock"), cancellationToken);
            await bench.SeedAsync(Path, cancellationToken);
            return bench;
        }
        catch
        {
            await bench.DisposeAsync();
            throw;
        }
    }
}
