using System.Diagnostics;
using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Benchmarks.E2e.Plugins;
using PluginHost.Hosting;

namespace PluginHost.Benchmarks.E2e.Scenarios;

/// <summary>
/// What tracing costs the external kv read (host → plugin → host storage → back), on one host and one warm plugin
/// process, in three modes interleaved request by request (off, on, traced, off, …), so that whatever else the machine
/// does falls on all three alike: tracing off (<see cref="PluginHostTelemetry.TracingEnabled"/> false: no span, no
/// trace context sent), on with nothing recording (the default), and traced — a listener recording every span, its
/// stop callback counting them as the cheapest exporter would. One listener stays registered throughout and samples
/// only the traced requests (deciding costs a delegate call per span, a few nanoseconds, also in the "on" mode). The
/// plugin process has no listener: it continues the trace with a plain activity, as a plugin whose author exports
/// nothing. Each round gives each mode's p50; the ratios are the medians over rounds of the rounds' ratios.
/// </summary>
internal static class TracingOverhead
{
    private const string Path = ExternalKvTraffic.Path;

    /// <summary>Each mode's p50 by round, and the ratios' medians.</summary>
    public sealed record Result(IReadOnlyList<double> OffUsP50, IReadOnlyList<double> UnlistenedUsP50, IReadOnlyList<double> TracedUsP50, long SpansRecorded)
    {
        public double OffUsP50Median => Stats.Median(OffUsP50);

        public double UnlistenedUsP50Median => Stats.Median(UnlistenedUsP50);

        public double TracedUsP50Median => Stats.Median(TracedUsP50);

        /// <summary>Traced ÷ on with nothing recording.</summary>
        public double ListenedRatio => Stats.Median(TracedUsP50.Zip(UnlistenedUsP50, (traced, plain) => traced / plain));

        /// <summary>On with nothing recording ÷ off.</summary>
        public double UnlistenedRatio => Stats.Median(UnlistenedUsP50.Zip(OffUsP50, (plain, off) => plain / off));
    }

    public static async Task<Result> MeasureAsync(
        Workspace workspace, MockPluginBinary plugin, Budget budget, int rounds, int requestsPerMode, Action<string> progress, CancellationToken cancellationToken)
    {
        await using var bench = BenchHost.Create(workspace);
        await bench.RegisterMockAsync(plugin, cancellationToken);
        await bench.Host.Mounts.EnableAsync(BenchHost.MockAt(plugin, "mock"), cancellationToken);
        await bench.SeedAsync(Path, cancellationToken);
        var host = bench.Host;
        progress($"tracing overhead: {budget.NewProcessWarmup.TotalSeconds:0} s warm-up of the plugin process");
        await ExternalKvTraffic.WarmAsync(async ct => await host.ReadAsync(Path, ct), budget.NewProcessWarmup, cancellationToken);

        long spans = 0;
        var recording = false;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PluginHostTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => Volatile.Read(ref recording) ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = _ => Interlocked.Increment(ref spans),
        };
        ActivitySource.AddActivityListener(listener);

        var off = new List<double>(rounds);
        var unlistened = new List<double>(rounds);
        var traced = new List<double>(rounds);
        try
        {
            for (var round = 0; round < rounds; round++)
            {
                progress($"tracing overhead: round {round + 1} of {rounds} ({requestsPerMode} requests a mode, interleaved)");
                var samples = new[] { new double[requestsPerMode], new double[requestsPerMode], new double[requestsPerMode] };
                for (var i = 0; i < requestsPerMode * 3; i++)
                {
                    var mode = i % 3;
                    PluginHostTelemetry.TracingEnabled = mode != 0;
                    Volatile.Write(ref recording, mode == 2);
                    var started = Stopwatch.GetTimestamp();
                    await host.ReadAsync(Path, cancellationToken);
                    samples[mode][i / 3] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
                }

                off.Add(Stats.Median(samples[0]));
                unlistened.Add(Stats.Median(samples[1]));
                traced.Add(Stats.Median(samples[2]));
            }
        }
        finally
        {
            PluginHostTelemetry.TracingEnabled = true;
        }

        await bench.ExpectBarAsync(Path, cancellationToken);
        return new Result(off, unlistened, traced, spans);
    }
}
