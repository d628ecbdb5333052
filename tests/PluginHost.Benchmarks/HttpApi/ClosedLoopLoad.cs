using System.Diagnostics;
using PluginHost.Benchmarks.E2e.Measurement;

namespace PluginHost.Benchmarks.HttpApi;

/// <summary>What N callers in a closed loop got: requests per second, and each request's latency percentiles.</summary>
internal sealed record LoadResult(int Callers, double RequestsPerSecond, double P50Us, double P99Us, long Requests);

/// <summary>
/// N callers, each sending its next request as soon as the last is answered, for a fixed time; every request's
/// latency is recorded (per caller, so recording does not contend), then pooled into percentiles.
/// </summary>
internal static class ClosedLoopLoad
{
    public static async Task<LoadResult> RunAsync(int callers, TimeSpan duration, Func<CancellationToken, ValueTask> call, CancellationToken cancellationToken)
    {
        var samples = new List<double>[callers];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        stop.CancelAfter(duration);
        var workers = Enumerable.Range(0, callers).Select(i => Task.Run(async () =>
        {
            var mine = samples[i] = new List<double>(16_384);
            while (!stop.IsCancellationRequested)
            {
                var before = Stopwatch.GetTimestamp();
                await call(CancellationToken.None);
                mine.Add(Stopwatch.GetElapsedTime(before).TotalMicroseconds);
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = samples.SelectMany(s => s).ToArray();
        Array.Sort(all);
        return new LoadResult(callers, all.Length / elapsed, Stats.PercentileOfSorted(all, 50), Stats.PercentileOfSorted(all, 99), all.Length);
    }

    /// <summary>Runs <paramref name="call"/> with <paramref name="callers"/> callers for <paramref name="time"/>, unmeasured.</summary>
    public static Task WarmAsync(int callers, TimeSpan time, Func<CancellationToken, ValueTask> call, CancellationToken cancellationToken) =>
        RunAsync(callers, time, call, cancellationToken);
}
