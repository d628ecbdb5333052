using System.Diagnostics;
using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Benchmarks.E2e.Plugins;
using PluginHost.Hosting;

namespace PluginHost.Benchmarks.E2e.Scenarios;

/// <summary>
/// Reads of <c>mock/kv/foo</c> through <c>IPluginHost</c> on a mount of the published mock plugin: host → plugin
/// (handle_request), plugin → host (storage.get), answers back. One host and one plugin process for all of them, so
/// both processes are warm (each measurement still warms up by time first).
/// </summary>
internal sealed class ExternalKvTraffic
{
    public const string Path = "mock/kv/foo";

    public static readonly int[] Concurrency = [1, 16, 64];

    public required LatencyResult Sequential { get; init; }

    /// <summary>Calls answered per second with N concurrent callers, by N: the median over windows.</summary>
    public required IReadOnlyDictionary<int, double> RequestsPerSecond { get; init; }

    /// <summary>Each window's figure, by N.</summary>
    public required IReadOnlyDictionary<int, IReadOnlyList<double>> RequestsPerSecondWindows { get; init; }

    public static async Task<ExternalKvTraffic> MeasureAsync(
        Workspace workspace,
        MockPluginBinary plugin,
        Budget budget,
        Action<string> progress,
        CancellationToken cancellationToken)
    {
        await using var bench = BenchHost.Create(workspace);
        var host = bench.Host;
        await bench.RegisterMockAsync(plugin, cancellationToken);
        await host.Mounts.EnableAsync(BenchHost.MockAt(plugin, "mock"), cancellationToken);
        await bench.SeedAsync(Path, cancellationToken);

        Func<CancellationToken, ValueTask> read = async ct => await host.ReadAsync(Path, ct);
        progress($"external kv read: {budget.NewProcessWarmup.TotalSeconds:0} s warm-up of the new plugin process");
        await WarmAsync(read, budget.NewProcessWarmup, cancellationToken);

        progress("external kv read, sequential");
        var sequential = await new LatencySampler(budget).MeasureAsync(read, batchSize: 1, cancellationToken);

        var rps = new Dictionary<int, double>();
        var windows = new Dictionary<int, IReadOnlyList<double>>();
        foreach (var callers in Concurrency)
        {
            progress($"external kv read, {callers} concurrent callers");
            (rps[callers], windows[callers]) = await new ThroughputSampler(budget).MeasureAsync(callers, read, cancellationToken);
        }

        await bench.ExpectBarAsync(Path, cancellationToken);
        return new ExternalKvTraffic { Sequential = sequential, RequestsPerSecond = rps, RequestsPerSecondWindows = windows };
    }

    /// <summary>Calls <paramref name="read"/> back to back for <paramref name="time"/>, so host and plugin tier up.</summary>
    public static async Task WarmAsync(Func<CancellationToken, ValueTask> read, TimeSpan time, CancellationToken cancellationToken)
    {
        var end = Stopwatch.GetTimestamp() + (long)(time.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            await read(cancellationToken);
        }
    }
}
