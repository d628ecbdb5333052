using System.Diagnostics;

namespace PluginHost.Benchmarks.E2e.Measurement;

/// <summary>
/// Measures one call path: runs it for the budget's warm-up time, then <see cref="Budget.Repeats"/> rounds of
/// <see cref="Budget.Round"/> each, timing every call (or every batch of calls, for paths too short to time one by one).
/// </summary>
internal sealed class LatencySampler(Budget budget)
{
    /// <param name="callBatch">Runs <paramref name="batchSize"/> sequential calls; a sample is its time divided by the batch size.</param>
    /// <param name="batchSize">Calls per timed sample: 1 for microsecond paths, ~1000 for nanosecond ones.</param>
    /// <param name="cancellationToken">Stops the measurement.</param>
    public async Task<LatencyResult> MeasureAsync(Func<CancellationToken, ValueTask> callBatch, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var warmupEnd = Stopwatch.GetTimestamp() + Ticks(budget.Warmup);
        while (Stopwatch.GetTimestamp() < warmupEnd)
        {
            await callBatch(cancellationToken);
        }

        // A collection now, not inside a round: garbage left by the warm-up should not be paid for by round one.
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var p50s = new List<double>(budget.Repeats);
        var p99s = new List<double>(budget.Repeats);
        var means = new List<double>(budget.Repeats);
        var samples = new List<double>(capacity: 1 << 16);
        long calls = 0;
        for (var round = 0; round < budget.Repeats; round++)
        {
            samples.Clear();
            var roundEnd = Stopwatch.GetTimestamp() + Ticks(budget.Round);
            long now;
            do
            {
                var start = Stopwatch.GetTimestamp();
                await callBatch(cancellationToken);
                now = Stopwatch.GetTimestamp();
                samples.Add(Stopwatch.GetElapsedTime(start, now).TotalMicroseconds / batchSize);
            }
            while (now < roundEnd);

            calls += (long)samples.Count * batchSize;
            var sorted = samples.ToArray();
            Array.Sort(sorted);
            p50s.Add(Stats.PercentileOfSorted(sorted, 50));
            p99s.Add(Stats.PercentileOfSorted(sorted, 99));
            means.Add(sorted.Average());
        }

        return new LatencyResult(Stats.Median(p50s), Stats.Median(p99s), Stats.Median(means), p50s, calls);
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
