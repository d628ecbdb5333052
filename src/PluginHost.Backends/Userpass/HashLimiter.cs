using System.Diagnostics.CodeAnalysis;

namespace PluginHost.Backends;

/// <summary>
/// Caps how many password hashes run at once: logins are unauthenticated and each costs a full PBKDF2 run, so without
/// a cap a burst of logins takes every core.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "SemaphoreSlim holds a kernel handle only once AvailableWaitHandle is read, which this never does; the backend has no dispose to hang it on.")]
internal sealed class HashLimiter
{
    private readonly SemaphoreSlim _slots;
    private int _running;
    private int _peakRunning;

    /// <summary>Creates a limiter running at most <paramref name="maxConcurrent"/> hashes at a time.</summary>
    /// <param name="maxConcurrent">The cap; at least 1.</param>
    public HashLimiter(int maxConcurrent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrent, 1);
        _slots = new SemaphoreSlim(maxConcurrent, maxConcurrent);
    }

    /// <summary>The most hashes that ever ran at once; for tests.</summary>
    internal int PeakRunning => Volatile.Read(ref _peakRunning);

    /// <summary>Test seam: called when a hash has to wait for a slot.</summary>
    internal Action? Queued { get; set; }

    /// <summary>Test seam: called in a slot, just before the hash runs.</summary>
    internal Action? Entered { get; set; }

    /// <summary>Waits for a slot, then runs <paramref name="hash"/> in it.</summary>
    /// <typeparam name="T">The hash's result.</typeparam>
    /// <param name="hash">The CPU-bound hash.</param>
    /// <param name="cancellationToken">Cancels the wait (not a hash already running).</param>
    /// <returns>The hash's result.</returns>
    public async ValueTask<T> RunAsync<T>(Func<T> hash, CancellationToken cancellationToken)
    {
        var wait = _slots.WaitAsync(cancellationToken);
        if (!wait.IsCompleted)
        {
            Queued?.Invoke();
        }

        await wait.ConfigureAwait(false);
        try
        {
            RecordPeak(Interlocked.Increment(ref _running));
            Entered?.Invoke();
            return hash();
        }
        finally
        {
            Interlocked.Decrement(ref _running);
            _slots.Release();
        }
    }

    private void RecordPeak(int running)
    {
        for (var peak = Volatile.Read(ref _peakRunning); running > peak; peak = Volatile.Read(ref _peakRunning))
        {
            if (Interlocked.CompareExchange(ref _peakRunning, running, peak) == peak)
            {
                return;
            }
        }
    }
}
