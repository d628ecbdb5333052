using PluginHost.Runtime;

namespace PluginHost.Mounts;

/// <summary>
/// What the host is doing with one mount: its current backend lease, why it has none, and whether it is closing.
/// Requests acquire the current lease without locks; a swap drains the old lease while new requests use the new one.
/// </summary>
internal sealed class MountState
{
    private readonly Func<MountEntry, CancellationToken, ValueTask<IBackend>> _activate;
    private readonly Lock _startGate = new();
    private Task<BackendLease>? _starting;
    private volatile BackendLease? _current;
    private volatile string? _unavailableReason;
    private volatile string? _closingReason;
    private int _generation;

    public MountState(MountEntry entry, Func<MountEntry, CancellationToken, ValueTask<IBackend>> activate)
    {
        Entry = entry;
        _activate = activate;
    }

    /// <summary>The mount as declared; replaced by tune.</summary>
    public MountEntry Entry { get; set; }

    /// <summary>Why the mount has no running backend, or <see langword="null"/> when it has one or has not tried yet.</summary>
    public string? UnavailableReason => _unavailableReason;

    /// <summary>Whether a backend is running for this mount.</summary>
    public bool IsRunning => _current is not null;

    /// <summary>
    /// Returns a lease on the running backend, starting one first if there is none. Release it when the request ends.
    /// </summary>
    /// <exception cref="PluginHostException">The mount is closing, or its backend cannot start (Unavailable).</exception>
    public async ValueTask<BackendLease> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_closingReason is { } closing)
            {
                throw new PluginHostException(ErrorCode.Unavailable, $"mount {Entry.RoutePath} is {closing}; try again when it is done");
            }

            var lease = _current ?? await StartAsync(cancellationToken).ConfigureAwait(false);
            if (lease.TryAcquire())
            {
                return lease;
            }

            // The lease was swapped out between reading and acquiring it: the next loop finds its successor.
        }
    }

    /// <summary>Starts the backend now, as restore and remount do; on failure the mount stays and reports <see cref="UnavailableReason"/>.</summary>
    public async ValueTask StartQuietlyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PluginHostException)
        {
            // Kept as UnavailableReason; the next request tries again.
        }
    }

    /// <summary>Installs <paramref name="backend"/> (or none) as the running backend; returns the lease it replaced, still to be drained.</summary>
    public BackendLease? Swap(IBackend? backend, string? unavailableReason)
    {
        Interlocked.Increment(ref _generation);
        _unavailableReason = backend is null ? unavailableReason : null;
        return Interlocked.Exchange(ref _current, backend is null ? null : new BackendLease(backend));
    }

    /// <summary>Refuses new requests with <paramref name="reason"/> (such as "being disabled") and returns the running lease to drain.</summary>
    public BackendLease? Close(string reason)
    {
        _closingReason = reason;
        return Swap(null, null);
    }

    /// <summary>Lets requests in again after a close whose change was abandoned; the backend restarts on the next request.</summary>
    public void Reopen() => _closingReason = null;

    // Concurrent requests share one start; each waits with its own token, the start itself runs to its end.
    private Task<BackendLease> StartAsync(CancellationToken cancellationToken)
    {
        Task<BackendLease> starting;
        lock (_startGate)
        {
            if (_current is { } running)
            {
                return Task.FromResult(running);
            }

            // A finished start either installed a backend (seen above) or failed: then this request tries again.
            if (_starting is null || _starting.IsCompleted)
            {
                _starting = StartOnceAsync();
            }

            starting = _starting;
        }

        return starting.WaitAsync(cancellationToken);
    }

    private async Task<BackendLease> StartOnceAsync()
    {
        while (true)
        {
            if (_closingReason is { } closing)
            {
                throw new PluginHostException(ErrorCode.Unavailable, $"mount {Entry.RoutePath} is {closing}; try again when it is done");
            }

            var generation = Volatile.Read(ref _generation);
            IBackend backend;
            try
            {
                backend = await _activate(Entry, CancellationToken.None).ConfigureAwait(false);
            }
            catch (PluginHostException ex)
            {
                _unavailableReason = ex.Message;
                throw new PluginHostException(ErrorCode.Unavailable, $"mount {Entry.RoutePath} is unavailable: {ex.Message}", ex);
            }

            // A swap or close during activation means what we resolved may be stale (a deregistered plugin): start over.
            if (Interlocked.CompareExchange(ref _generation, generation + 1, generation) != generation)
            {
                await backend.CleanupAsync(CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            var lease = new BackendLease(backend);
            _unavailableReason = null;
            _current = lease;
            return lease;
        }
    }
}
