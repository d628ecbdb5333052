using PluginHost.Catalog;

namespace PluginHost.Activation;

/// <summary>
/// One live backend instance of a mount, with a count of the requests using it, so it can be swapped out and
/// drained: new requests go to its successor while the ones in flight finish here.
/// </summary>
internal sealed class BackendLease(ActivatedBackend activated)
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private int _draining;
    private volatile bool _served;

    public IBackend Backend => activated.Backend;

    /// <summary>The catalog entry the backend was created from.</summary>
    public CatalogEntry Plugin => activated.Plugin;

    /// <summary>The number of requests currently using the backend.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Whether the backend answered a request: a backend that served and then died is not a crash loop.</summary>
    public bool Served => _served;

    /// <summary>Notes that the backend answered a request (whatever its answer said).</summary>
    public void RecordServed()
    {
        if (!_served)
        {
            _served = true;
        }
    }

    /// <summary>Counts a request in; fails once draining has begun, so the caller re-reads the mount's current lease.</summary>
    public bool TryAcquire()
    {
        Interlocked.Increment(ref _inFlight);
        if (Volatile.Read(ref _draining) == 0)
        {
            return true;
        }

        Release();
        return false;
    }

    /// <summary>Counts a request out; the last one out of a draining lease completes <see cref="DrainAsync"/>.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && Volatile.Read(ref _draining) != 0)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Refuses new requests and completes when the ones in flight have finished or <paramref name="timeout"/> passes.</summary>
    /// <returns><see langword="true"/> when every request finished in time.</returns>
    public async Task<bool> DrainAsync(TimeSpan timeout)
    {
        // Interlocked gives the full fence that pairs with TryAcquire's increment-then-check.
        Interlocked.Exchange(ref _draining, 1);
        if (Volatile.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }

        try
        {
            await _drained.Task.WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
