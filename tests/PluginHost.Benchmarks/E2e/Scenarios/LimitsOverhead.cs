using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Benchmarks.E2e.Plugins;
using PluginHost.Hosting;

namespace PluginHost.Benchmarks.E2e.Scenarios;

/// <summary>
/// <c>limits_overhead_…_pct</c>: what running a plugin under <see cref="BenchLimits"/> costs the external kv read. Two
/// hosts, each with its own warm plugin process (one limited, one not), are measured in alternating passes, the order
/// flipped every pass (unlimited then limited, limited then unlimited, …) so drift on a noisy machine falls on both
/// sides. A pass measures the sequential p50 of each, then the rps of 16 callers of each. Each figure is the median
/// over the passes of <c>(limited − unlimited) / unlimited</c> in percent, its sign chosen so that a cost is positive
/// (more latency, fewer requests per second).
/// </summary>
internal static class LimitsOverhead
{
    private const string Path = ExternalKvTraffic.Path;

    private const int Callers = 16;

    /// <summary>Each pass's two figures, in percent; the medians are the report's.</summary>
    public sealed record Result(IReadOnlyList<double> ReadP50Pct, IReadOnlyList<double> RpsC16Pct)
    {
        public double ReadP50PctMedian => Stats.Median(ReadP50Pct);

        public double RpsC16PctMedian => Stats.Median(RpsC16Pct);
    }

    public static async Task<Result> MeasureAsync(
        Workspace workspace, MockPluginBinary plugin, Budget budget, int passes, Action<string> progress, CancellationToken cancellationToken)
    {
        await using var unlimited = await StartAsync(workspace, plugin, limitsOn: false, cancellationToken);
        await using var limited = await StartAsync(workspace, plugin, limitsOn: true, cancellationToken);
        progress($"limits overhead: {budget.NewProcessWarmup.TotalSeconds:0} s warm-up of each plugin process");
        foreach (var bench in (BenchHost[])[unlimited, limited])
        {
            await ExternalKvTraffic.WarmAsync(Reader(bench), budget.NewProcessWarmup, cancellationToken);
        }

        // Shorter than the main measurement's (both processes are warm already), so that many passes fit.
        var pass = budget with { Warmup = TimeSpan.FromSeconds(1), Repeats = 3 };
        var latency = new List<double>(passes);
        var throughput = new List<double>(passes);
        for (var i = 0; i < passes; i++)
        {
            var limitedFirst = i % 2 == 1;
            progress($"limits overhead: pass {i + 1} of {passes} ({(limitedFirst ? "with, then without" : "without, then with")} limits)");
            var (plainP50, limitedP50) = await PairAsync(limitedFirst, b => P50Async(pass, b, cancellationToken), unlimited, limited);
            var (plainRps, limitedRps) = await PairAsync(limitedFirst, b => RpsAsync(pass, b, cancellationToken), unlimited, limited);
            latency.Add((limitedP50 - plainP50) / plainP50 * 100);
            throughput.Add((plainRps - limitedRps) / plainRps * 100);
        }

        await unlimited.ExpectBarAsync(Path, cancellationToken);
        await limited.ExpectBarAsync(Path, cancellationToken);
        return new Result(latency, throughput);
    }

    private static async Task<(double Unlimited, double Limited)> PairAsync(
        bool limitedFirst, Func<BenchHost, Task<double>> measure, BenchHost unlimited, BenchHost limited)
    {
        if (limitedFirst)
        {
            var first = await measure(limited);
            return (await measure(unlimited), first);
        }

        return (await measure(unlimited), await measure(limited));
    }

    private static async Task<double> P50Async(Budget budget, BenchHost bench, CancellationToken cancellationToken) =>
        (await new LatencySampler(budget).MeasureAsync(Reader(bench), batchSize: 1, cancellationToken)).P50Us;

    private static async Task<double> RpsAsync(Budget budget, BenchHost bench, CancellationToken cancellationToken) =>
        (await new ThroughputSampler(budget).MeasureAsync(Callers, Reader(bench), cancellationToken)).Median;

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
