using PluginHost.Activation;
using PluginHost.Catalog;
using PluginHost.Runtime;

namespace PluginHost.Mounts;

/// <summary>
/// What the host is doing with one mount: its running backend, why it has none, and whether it is closing.
/// Requests read the running lease without locks; every change of backend happens under one small lock, and a
/// replaced lease is handed back to the caller to drain.
/// </summary>
/// <remarks>
/// Restarts match the failure. A backend that ran and served requests, then died (killed from outside, a crash under
/// load), is started again by the next request at once. A circuit breaker is for loops: after a failed start, a
/// backend that died before serving anything, or <see cref="CrashLoopDeaths"/> deaths within
/// <see cref="CrashLoopWindow"/>, starts are refused for a delay that doubles with each such failure in a row (1 s up
/// to 30 s), and the refusal says why, how often it failed and when it will try again.
/// </remarks>
internal sealed class MountState
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>How far back deaths of backends that served are counted to tell a crash loop from occasional kills.</summary>
    internal static readonly TimeSpan CrashLoopWindow = TimeSpan.FromSeconds(30);

    /// <summary>How many deaths within <see cref="CrashLoopWindow"/> make a crash loop (kills 10 s apart never do).</summary>
    internal const int CrashLoopDeaths = 5;

    private readonly Func<MountEntry, CancellationToken, ValueTask<ActivatedBackend>> _activate;
    private readonly Func<IBackend, string, Task> _cleanupQuietly;
    private readonly Action<MountState, MountFailure>? _failed;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private volatile BackendLease? _current;
    private volatile SpecialPaths? _knownSpecialPaths;
    private Task<BackendLease>? _starting;
    private string? _closingReason;
    private string? _blockedReason;
    private string? _failureReason;
    private string? _failureSummary;
    private int _failures;
    private DateTimeOffset _retryAt;
    private readonly Queue<DateTimeOffset> _recentDeaths = new();
    private int _generation;

    public MountState(
        MountEntry entry,
        Func<MountEntry, CancellationToken, ValueTask<ActivatedBackend>> activate,
        TimeProvider time,
        Func<IBackend, string, Task>? cleanupQuietly = null,
        Action<MountState, MountFailure>? failed = null)
    {
        Entry = entry;
        _activate = activate;
        _time = time;
        _failed = failed;
        _cleanupQuietly = cleanupQuietly ?? ((backend, _) => backend.CleanupAsync(CancellationToken.None).AsTask());
    }

    /// <summary>The mount as declared; replaced by tune.</summary>
    public MountEntry Entry { get; set; }

    /// <summary>Why the mount has no running backend, or <see langword="null"/> when it has one or has not tried yet.</summary>
    public string? UnavailableReason
    {
        get
        {
            lock (_gate)
            {
                return _current is null ? _blockedReason ?? _failureReason : null;
            }
        }
    }

    /// <summary>When the next start is tried after failures, or <see langword="null"/> when a request may start the backend now.</summary>
    public DateTimeOffset? NextStartAt
    {
        get
        {
            lock (_gate)
            {
                return _failureReason is not null && _retryAt > _time.GetUtcNow() ? _retryAt : null;
            }
        }
    }

    /// <summary>Whether a backend is running for this mount.</summary>
    public bool IsRunning => _current is not null;

    /// <summary>
    /// The special paths of the last backend that ran for this mount, kept while it is stopped, or <see langword="null"/>
    /// before one ever ran: who may call the mount without a token, known without starting anything.
    /// </summary>
    public SpecialPaths? KnownSpecialPaths => _knownSpecialPaths;

    /// <summary>The catalog entry of the running backend, or <see langword="null"/>.</summary>
    public CatalogEntry? RunningPlugin => _current?.Plugin;

    /// <summary>Returns a lease on the running backend, starting one first if there is none. Release it when the request ends.</summary>
    /// <exception cref="PluginHostException">The mount is closing, or its backend cannot start (Unavailable).</exception>
    public async ValueTask<BackendLease> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var lease = _current ?? await StartAsync(cancellationToken).ConfigureAwait(false);
            if (lease.TryAcquire())
            {
                return lease;
            }

            // The lease was swapped out between reading and acquiring it: the next loop finds its successor.
        }
    }

    /// <summary>Starts the backend now, as restore and remount do; on failure the mount stays and reports <see cref="UnavailableReason"/>.</summary>
    public async Task StartQuietlyAsync()
    {
        try
        {
            await StartAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (PluginHostException)
        {
            // Kept as UnavailableReason; a request after the retry delay tries again.
        }
    }

    /// <summary>Installs <paramref name="next"/> as the running backend and returns the lease it replaced, still to be drained.</summary>
    public BackendLease? Replace(ActivatedBackend next)
    {
        lock (_gate)
        {
            _generation++;
            _blockedReason = null;
            ClearFailure();
            var previous = _current;
            _current = Watch(new BackendLease(next));
            return previous;
        }
    }

    /// <summary>
    /// Takes the backend out and makes every start fail with <paramref name="reason"/> until <see cref="Unblock"/>
    /// (its plugin left the catalog). Returns the lease to drain.
    /// </summary>
    public BackendLease? Block(string reason)
    {
        lock (_gate)
        {
            _generation++;
            _blockedReason = reason;
            var previous = _current;
            _current = null;
            return previous;
        }
    }

    /// <summary>Makes a start that is under way discard what it resolved and resolve again (the catalog changed meanwhile).</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _generation++;
        }
    }

    /// <summary>Keeps the block of the state this one succeeds (a moved mount stays blocked until its plugin is back).</summary>
    public void InheritBlock(MountState predecessor)
    {
        lock (predecessor._gate)
        {
            lock (_gate)
            {
                _blockedReason = predecessor._blockedReason;
            }
        }
    }

    /// <summary>Completes when a start under way (if any) has finished, whatever its outcome.</summary>
    public Task WhenStartSettledAsync()
    {
        Task? starting;
        lock (_gate)
        {
            starting = _starting;
        }

        return starting is null ? Task.CompletedTask : starting.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Lets the backend start again at once: its plugin was registered (again).</summary>
    public void Unblock()
    {
        lock (_gate)
        {
            _blockedReason = null;
            ClearFailure();
        }
    }

    /// <summary>Refuses new requests with <paramref name="reason"/> (such as "being disabled") and returns the running lease to drain.</summary>
    public BackendLease? Close(string reason)
    {
        lock (_gate)
        {
            _generation++;
            _closingReason = reason;
            var previous = _current;
            _current = null;
            return previous;
        }
    }

    /// <summary>Lets requests in again after a close whose change was abandoned; the backend restarts on the next request.</summary>
    public void Reopen()
    {
        lock (_gate)
        {
            _closingReason = null;
        }
    }

    // Concurrent requests share one start; each waits with its own token, the start itself runs to its end.
    private Task<BackendLease> StartAsync(CancellationToken cancellationToken)
    {
        Task<BackendLease> starting;
        lock (_gate)
        {
            if (_current is { } running)
            {
                return Task.FromResult(running);
            }

            ThrowIfCannotStart();

            // A finished start either installed a backend (seen above) or failed: then this request tries again.
            if (_starting is null || _starting.IsCompleted)
            {
                _starting = StartOnceAsync(_generation);
            }

            starting = _starting;
        }

        return starting.WaitAsync(cancellationToken);
    }

    private async Task<BackendLease> StartOnceAsync(int generation)
    {
        // Never run the plugin's start inside the caller's lock.
        await Task.Yield();
        while (true)
        {
            ActivatedBackend activated;
            try
            {
                activated = await _activate(Entry, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                var reason = ex is PluginHostException ? ex.Message : $"plugin '{Entry.PluginName}' failed to start: {ex.Message}";
                MountFailure? failure = null;
                lock (_gate)
                {
                    if (_current is { } installedMeanwhile)
                    {
                        // A replace (tune, reload) installed a working backend while this start failed: serve with it.
                        return installedMeanwhile;
                    }

                    if (generation == _generation)
                    {
                        failure = RecordFailure(reason);
                    }
                }

                if (failure is not null)
                {
                    _failed?.Invoke(this, failure);
                }

                throw new PluginHostException(ErrorCode.Unavailable, Unavailable(reason), ex);
            }

            BackendLease? result = null;
            lock (_gate)
            {
                if (_current is { } installedMeanwhile)
                {
                    // A replace (tune, reload) got there first: keep it, drop ours.
                    result = installedMeanwhile;
                }
                else if (_closingReason is null && _blockedReason is null && generation == _generation)
                {
                    // The failure count stays until the backend serves: see OnBackendStoppedAsync.
                    _current = result = Watch(new BackendLease(activated));
                    _failureReason = null;
                    return result;
                }
                else
                {
                    generation = _generation;
                }
            }

            // What we started is stale (closed, blocked, or resolved before a deregistration): release it, quietly,
            // since its cleanup failing must not fail the request or the change that made it stale.
            await _cleanupQuietly(activated.Backend, Entry.RoutePath).ConfigureAwait(false);
            if (result is not null)
            {
                return result;
            }

            lock (_gate)
            {
                ThrowIfCannotStart();
            }
        }
    }

    // Called under _gate. A backend that dies on its own (its process exited) is dropped at once; the next request
    // after the retry delay starts a new one.
    private BackendLease Watch(BackendLease lease)
    {
        _knownSpecialPaths = lease.Backend.SpecialPaths;
        if (lease.Backend is ISupervisedBackend supervised)
        {
            _ = supervised.Stopped.ContinueWith(
                _ => OnBackendStoppedAsync(lease, supervised.DescribeStop()),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default).Unwrap();
        }

        return lease;
    }

    private async Task OnBackendStoppedAsync(BackendLease lease, string reason)
    {
        MountFailure failure;
        lock (_gate)
        {
            if (!ReferenceEquals(_current, lease))
            {
                return;
            }

            _generation++;
            _current = null;
            failure = RecordDeath(reason, lease.Served);
        }

        _failed?.Invoke(this, failure);

        await _cleanupQuietly(lease.Backend, Entry.RoutePath).ConfigureAwait(false);
    }

    // Called under _gate.
    private void ThrowIfCannotStart()
    {
        if (_closingReason is { } closing)
        {
            throw new PluginHostException(ErrorCode.Unavailable, $"mount {Entry.RoutePath} is {closing}; try again when it is done");
        }

        if (_blockedReason is { } blocked)
        {
            throw new PluginHostException(ErrorCode.Unavailable, Unavailable(blocked));
        }

        // Back off after failures so a broken plugin is not re-resolved, re-hashed and relaunched on every request.
        var now = _time.GetUtcNow();
        if (_failureReason is { } failure && now < _retryAt)
        {
            var retryIn = Math.Ceiling((_retryAt - now).TotalSeconds);
            throw new PluginHostException(
                ErrorCode.Unavailable,
                $"{Unavailable(failure)} ({_failureSummary}; the next start is tried in {retryIn:0}s, or at once when the plugin is reloaded or registered again)");
        }
    }

    // Called under _gate. A backend that served and dies now and then is relaunched at once; dying before serving
    // anything, or too often, is a loop that backs off.
    private MountFailure RecordDeath(string reason, bool served)
    {
        var now = _time.GetUtcNow();
        while (_recentDeaths.TryPeek(out var oldest) && now - oldest >= CrashLoopWindow)
        {
            _recentDeaths.Dequeue();
        }

        _recentDeaths.Enqueue(now);
        if (!served)
        {
            return RecordFailure(reason);
        }

        if (_recentDeaths.Count < CrashLoopDeaths)
        {
            _failures = 0;
            _failureReason = reason;
            _retryAt = now;
            return new MountFailure(reason, 0, TimeSpan.Zero);
        }

        return RecordFailure(reason, $"stopped {_recentDeaths.Count} times within {CrashLoopWindow.TotalSeconds:0}s");
    }

    // Called under _gate.
    private MountFailure RecordFailure(string reason, string? summary = null)
    {
        _failureReason = reason;
        _failures++;
        _failureSummary = summary ?? $"failed {_failures} time{(_failures == 1 ? "" : "s")} in a row";
        var delay = FirstRetryDelay * Math.Pow(2, Math.Min(_failures - 1, 16));
        delay = delay < MaxRetryDelay ? delay : MaxRetryDelay;
        _retryAt = _time.GetUtcNow() + delay;
        return new MountFailure(reason, _failures, delay);
    }

    // Called under _gate.
    private void ClearFailure()
    {
        _failureReason = null;
        _failures = 0;
        _recentDeaths.Clear();
    }

    private string Unavailable(string reason) => $"mount {Entry.RoutePath} is unavailable: {reason}";
}
