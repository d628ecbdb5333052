using System.Diagnostics;
using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Benchmarks.E2e.Plugins;
using PluginHost.Hosting;

namespace PluginHost.Benchmarks.E2e.Scenarios;

/// <summary>
/// What tracing costs the external kv read (host → plugin → host storage → back), on one host and one warm plugin
/// process, in three modes measured in alternating passes (the order rotated every pass, so drift on a noisy machine
/// falls on every mode): tracing off (<see cref="PluginHostTelemetry.TracingEnabled"/> false: no span, no trace
/// context sent), on with nothing listening (the default), and on with a listener recording every span (an
/// <see cref="ActivityListener"/> sampling all data; its stop callback counts the spans, as the cheapest exporter
/// would). The plugin process has no listener of its own: it continues the trace with a plain activity, as a plugin
/// would whose author exports nothing. The ratios are the medians over the passes of each pass's ratio.
/// </summary>
internal static class TracingOverhead
{
    private const string Path = ExternalKvTraffic.Path;

    /// <summary>The modes' p50s by pass, and the two ratios' medians.</summary>
    public sealed record Result(IReadOnlyList<double> OffUsP50, IReadOnlyList<double> UnlistenedUsP50, IReadOnlyList<double> TracedUsP50, long SpansRecorded)
    {
        public double OffUsP50Median => Stats.Median(OffUsP50);

        public double UnlistenedUsP50Median => Stats.Median(UnlistenedUsP50);

        public double TracedUsP50Median => Stats.Median(TracedUsP50);

        /// <summary>Traced with a listener ÷ on with nothing listening.</summary>
        public double ListenedRatio => Stats.Median(TracedUsP50.Zip(UnlistenedUsP50, (traced, plain) => traced / plain));

        /// <summary>On with nothing listening ÷ off.</summary>
        public double UnlistenedRatio => Stats.Median(UnlistenedUsP50.Zip(OffUsP50, (plain, off) => plain / off));
    }

    private enum Mode
    {
        Off,
        Unlistened,
        Traced,
    }

    public static async Task<Result> MeasureAsync(
        Workspace workspace, MockPluginBinary plugin, Budget budget, int passes, Action<string> progress, CancellationToken cancellationToken)
    {
        await using var bench = BenchHost.Create(workspace);
        await bench.RegisterMockAsync(plugin, cancellationToken);
        await bench.Host.Mounts.EnableAsync(BenchHost.MockAt(plugin, "mock"), cancellationToken);
        await bench.SeedAsync(Path, cancellationToken);
        Func<CancellationToken, ValueTask> read = async ct => await bench.Host.ReadAsync(Path, ct);
        progress($"tracing overhead: {budget.NewProcessWarmup.TotalSeconds:0} s warm-up of the plugin process");
        await ExternalKvTraffic.WarmAsync(read, budget.NewProcessWarmup, cancellationToken);

        var pass = budget with { Warmup = TimeSpan.FromSeconds(1), Repeats = 3 };
        var results = new Dictionary<Mode, List<double>> { [Mode.Off] = [], [Mode.Unlistened] = [], [Mode.Traced] = [] };
        long spans = 0;
        Mode[] order = [Mode.Off, Mode.Unlistened, Mode.Traced];
        try
        {
            for (var i = 0; i < passes; i++)
            {
                var rotated = order.Skip(i % order.Length).Concat(order.Take(i % order.Length)).ToArray();
                progress($"tracing overhead: pass {i + 1} of {passes} ({string.Join(", ", rotated)})");
                foreach (var mode in rotated)
                {
                    PluginHostTelemetry.TracingEnabled = mode != Mode.Off;
                    using var listener = mode == Mode.Traced ? Listen(() => Interlocked.Increment(ref spans)) : null;
                    results[mode].Add((await new LatencySampler(pass).MeasureAsync(read, batchSize: 1, cancellationToken)).P50Us);
                }
            }
        }
        finally
        {
            PluginHostTelemetry.TracingEnabled = true;
        }

        await bench.ExpectBarAsync(Path, cancellationToken);
        return new Result(results[Mode.Off], results[Mode.Unlistened], results[Mode.Traced], spans);
    }

    private static ActivityListener Listen(Action stopped)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PluginHostTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ => stopped(),
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
