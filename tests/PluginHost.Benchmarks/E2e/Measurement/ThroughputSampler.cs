using System.Diagnostics;

namespace PluginHost.Benchmarks.E2e.Measurement;

/// <summary>
/// Closed-loop throughput: N callers each issue the next call as soon as the last one answers. They run through the
/// warm-up and then through <see cref="Budget.Repeats"/> back-to-back windows; each window counts the calls answered in it.
/// </summary>
internal sealed class ThroughputSampler(Budget budget)
{
    /// <returns>The median over windows of calls answered per second, and each window's figure.</returns>
    public async Task<(double Median, IReadOnlyList<double> Windows)> MeasureAsync(
        int callers, Func<CancellationToken, ValueTask> call, CancellationToken cancellationToken)
    {
        var counter = new Counter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // Callers stop between calls, never in the middle of one: a cancelled request would measure cancellation.
        var workers = Enumerable.Range(0, callers)
            .Select(_ => Task.Run(
                async () =>
                {
                    while (!stop.IsCancellationRequested)
                    {
                        await call(cancellationToken);
                        counter.Increment();
                    }
                },
                CancellationToken.None))
            .ToArray();
        try
        {
            await WaitAsync(budget.Warmup, workers, cancellationToken);
            var windows = new List<double>(budget.Repeats);
            for (var window = 0; window < budget.Repeats; window++)
            {
                var before = counter.Value;
                var start = Stopwatch.GetTimestamp();
                await WaitAsync(budget.ThroughputWindow, workers, cancellationToken);
                var answered = counter.Value - before;
                windows.Add(answered / Stopwatch.GetElapsedTime(start).TotalSeconds);
            }

            return (Stats.Median(windows), windows);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }
    }

    // Waits out a window, but surfaces a failing caller at once instead of measuring a dead loop.
    private static async Task WaitAsync(TimeSpan time, Task[] workers, CancellationToken cancellationToken)
    {
        var delay = Task.Delay(time, cancellationToken);
        var finished = await Task.WhenAny(workers.Append(delay));
        await finished;
        if (finished != delay)
        {
            throw new InvalidOperationException("a throughput caller stopped early");
        }
    }

    private sealed class Counter
    {
        private long _value;

        public long Value => Interlocked.Read(ref _value);

        public void Increment() => Interlocked.Increment(ref _value);
    }
}
