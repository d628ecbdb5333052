using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace PluginHost.HighAvailability;

/// <summary>
/// One node's part in Vault's HA: while unsealed it tries to take the HA lock every second; holding it, it starts the
/// active node's services and renews the lock every third of its time-to-live; when a renewal says the lock is
/// another node's, or no renewal has succeeded for the time-to-live (the database unreachable, the process paused),
/// it stops serving at once and goes back to standby. A step-down gives the lock up and waits before trying again.
/// </summary>
/// <remarks>
/// Serving is also bounded locally: the node serves only until the lock's last renewal (measured from before it was
/// sent, on the monotonic clock) plus the time-to-live, less a margin. A node paused past that (SIGSTOP) finds on
/// waking that it is not active, before a request could read what the new active node may have changed; its writes
/// are refused by the storage's fence in any case.
/// </remarks>
internal sealed partial class HaCoordinator : IHaNode, IAsyncDisposable
{
    /// <summary>How often a standby tries to take the lock (Vault's 1 s).</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long one read of the lock answers <see cref="FindLeaderAsync"/> for every caller.</summary>
    public static readonly TimeSpan LeaderReadReuse = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a node that stepped down leaves the lock to the others (Vault's 10 s).</summary>
    public static readonly TimeSpan StepDownPause = TimeSpan.FromSeconds(10);

    private readonly IHaLock _lock;
    private readonly IActiveNodeServices _services;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly TimeSpan _renewInterval;
    private readonly TimeSpan _servingWindow;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private volatile HaLeader? _leader;
    private volatile int _state = (int)HaNodeState.Sealed;
    private long _servingUntil;
    private long _pausedUntil;
    private volatile bool _stepDown;
    private DateTimeOffset? _activeSince;
    private int _disposed;
    private long _heartbeatDue;
    private readonly Lock _leaderReadGate = new();
    private Task<HaLeader?>? _leaderRead;
    private long _leaderReadAt;

    /// <param name="haLock">This node's handle on the storage's lock.</param>
    /// <param name="apiAddress">Where clients reach this node, written into the lock for the others.</param>
    /// <param name="services">What the active node runs.</param>
    /// <param name="clock">Wall-clock times for <see cref="ActiveSince"/>.</param>
    /// <param name="logger">Receives the node's state changes.</param>
    public HaCoordinator(IHaLock haLock, string apiAddress, IActiveNodeServices services, TimeProvider clock, ILogger<HaCoordinator> logger)
    {
        _lock = haLock;
        ApiAddress = apiAddress;
        _services = services;
        _clock = clock;
        _logger = logger;
        _renewInterval = haLock.Ttl / 3;

        // Stop serving a little before the lock can expire on the database's clock: the clocks' rates may differ.
        _servingWindow = haLock.Ttl - TimeSpan.FromTicks(Math.Min(haLock.Ttl.Ticks / 5, TimeSpan.FromSeconds(2).Ticks));
    }

    /// <inheritdoc/>
    public HaNodeState State => (HaNodeState)_state;

    /// <inheritdoc/>
    public string? ApiAddress { get; }

    /// <inheritdoc/>
    public DateTimeOffset? ActiveSince => State == HaNodeState.Active ? _activeSince : null;

    /// <inheritdoc/>
    public HaLeader? Leader => State == HaNodeState.Active ? new HaLeader(ApiAddress!, IsSelf: true) : _leader;

    /// <inheritdoc/>
    public async ValueTask<HaLeader?> FindLeaderAsync(CancellationToken cancellationToken)
    {
        if (State == HaNodeState.Active)
        {
            return Leader;
        }

        // sys/leader needs no token: however many ask at once, one read is under way and its answer serves for
        // LeaderReadReuse, so a flood cannot take the lock's small pool from this node's own tries for the lock.
        Task<HaLeader?> read;
        lock (_leaderReadGate)
        {
            if (_leaderRead is null || (_leaderRead.IsCompleted && Stopwatch.GetTimestamp() - _leaderReadAt >= Ticks(LeaderReadReuse)))
            {
                _leaderRead = RefreshLeaderAsync(_stopping.Token);
                _leaderReadAt = Stopwatch.GetTimestamp();
            }

            read = _leaderRead;
        }

        try
        {
            return await read.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is PluginHostException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The storage is unreachable for now (or the node is stopping): the last one seen is the best answer.
            LogLoopFailed(_logger, error.Message);
            return _leader;
        }
    }

    /// <summary>Whether this node may serve now: active, and within the time its last renewal holds the lock for.</summary>
    public bool IsServing => State == HaNodeState.Active && Stopwatch.GetTimestamp() < Interlocked.Read(ref _servingUntil);

    /// <summary>Starts taking part: the node tries for the lock whenever it can serve.</summary>
    public void Start() => _loop ??= Task.Run(() => RunAsync(_stopping.Token));

    /// <summary>
    /// The node was just unsealed: a standby from now on (the front end forwards its requests), and it tries for the
    /// lock now rather than at the next retry.
    /// </summary>
    public void Unsealed()
    {
        Interlocked.CompareExchange(ref _state, (int)HaNodeState.Standby, (int)HaNodeState.Sealed);
        Wake();
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    /// <summary>Gives the lock up (Vault's <c>sys/step-down</c>) and leaves it to the others for <see cref="StepDownPause"/>.</summary>
    public void StepDown()
    {
        Interlocked.Exchange(ref _pausedUntil, Stopwatch.GetTimestamp() + (long)(StepDownPause.TotalSeconds * Stopwatch.Frequency));
        _stepDown = true;
        Wake();
    }

    /// <summary>Releases the lock at once, for a node being sealed; it takes no lock again until it can serve.</summary>
    public async ValueTask ReleaseAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _servingUntil, 0);
        _stepDown = true;
        Wake();
        try
        {
            await _lock.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PluginHostException error)
        {
            // The lock expires by itself within its time-to-live.
            LogReleaseFailed(_logger, error.Message);
        }

        // Sealed from now on: the front end stops forwarding at once, not at the loop's next turn.
        Interlocked.CompareExchange(ref _state, (int)HaNodeState.Sealed, (int)HaNodeState.Standby);
        _leader = null;
    }

    /// <summary>
    /// Holds the lock for initializing the store (a sealed node's, so the loop is not trying for it): several nodes
    /// initializing one empty store at once would each write a different root key. Released when disposed.
    /// </summary>
    /// <param name="readConfig">Reads the seal's configuration: present means initialized already.</param>
    /// <param name="cancellationToken">Cancels taking the lock.</param>
    /// <exception cref="PluginHostException">Initialized already, or another node holds the lock (400).</exception>
    public async ValueTask<IAsyncDisposable> HoldForInitAsync(Func<ValueTask<Seal.SealConfig?>> readConfig, CancellationToken cancellationToken)
    {
        if (await readConfig().ConfigureAwait(false) is not null)
        {
            throw new PluginHostException(ErrorCode.BadRequest, "Vault is already initialized");
        }

        if (!await _lock.TryAcquireAsync(ApiAddress!, cancellationToken).ConfigureAwait(false))
        {
            throw new PluginHostException(ErrorCode.BadRequest, "another node sharing this storage holds the HA lock: it is initializing the store now, or serving it; check its seal status");
        }

        var held = new HeldForInit(this);
        if (await readConfig().ConfigureAwait(false) is not null)
        {
            // Another node finished initializing between the first check and the lock.
            await held.DisposeAsync().ConfigureAwait(false);
            throw new PluginHostException(ErrorCode.BadRequest, "Vault is already initialized");
        }

        return held;
    }

    /// <summary>Stops taking part: stops serving and releases the lock.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
        _wake.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (!await _services.CanServeAsync(stopping).ConfigureAwait(false))
                {
                    SetState(HaNodeState.Sealed);
                    _leader = null;
                }
                else if (Stopwatch.GetTimestamp() >= Interlocked.Read(ref _pausedUntil) && await TryAcquireAsync(stopping).ConfigureAwait(false))
                {
                    await ServeWhileHoldingAsync(stopping).ConfigureAwait(false);
                    continue;
                }
                else
                {
                    SetState(HaNodeState.Standby);
                    await RefreshLeaderAsync(stopping).ConfigureAwait(false);
                    await HeartbeatIfDueAsync(stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Stopping while a lock call was under way: the host is being disposed.
                return;
            }
            catch (Exception error) when (!stopping.IsCancellationRequested)
            {
                LogLoopFailed(_logger, error.Message);
            }

            await WaitAsync(RetryInterval, stopping).ConfigureAwait(false);
        }
    }

    private async ValueTask<bool> TryAcquireAsync(CancellationToken stopping)
    {
        var sent = Stopwatch.GetTimestamp();
        _stepDown = false;
        if (!await _lock.TryAcquireAsync(ApiAddress!, stopping).ConfigureAwait(false))
        {
            return false;
        }

        Interlocked.Exchange(ref _servingUntil, sent + Ticks(_servingWindow));
        return true;
    }

    private async Task ServeWhileHoldingAsync(CancellationToken stopping)
    {
        var reason = "stopping";
        try
        {
            if (!await _services.StartServingAsync(stopping).ConfigureAwait(false))
            {
                reason = "sealed";
                return;
            }

            _activeSince = _clock.GetUtcNow();
            SetState(HaNodeState.Active);
            LogActive(_logger, ApiAddress!);
            await HeartbeatIfDueAsync(stopping, force: true).ConfigureAwait(false);
            reason = await HoldAsync(stopping).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Exchange(ref _servingUntil, 0);
            SetState(HaNodeState.Standby);
            await _services.StopServingAsync().ConfigureAwait(false);
            if (reason is not "lost to another node")
            {
                // Let another node take over now rather than when the lock expires.
                await ReleaseQuietlyAsync().ConfigureAwait(false);
            }

            LogStandby(_logger, reason);
        }
    }

    // Renews until the lock is lost, the node steps down or is sealed, or it stops; answers why it stopped holding.
    private async Task<string> HoldAsync(CancellationToken stopping)
    {
        var wait = _renewInterval;
        while (true)
        {
            await WaitAsync(wait, stopping).ConfigureAwait(false);
            if (stopping.IsCancellationRequested)
            {
                return "stopping";
            }

            if (_stepDown)
            {
                return "stepped down";
            }

            if (!await _services.CanServeAsync(stopping).ConfigureAwait(false))
            {
                return "sealed";
            }

            var sent = Stopwatch.GetTimestamp();
            try
            {
                if (!await _lock.RenewAsync(stopping).ConfigureAwait(false))
                {
                    return "lost to another node";
                }

                Interlocked.Exchange(ref _servingUntil, sent + Ticks(_servingWindow));
                wait = _renewInterval;
                await HeartbeatIfDueAsync(stopping).ConfigureAwait(false);
            }
            catch (PluginHostException error)
            {
                if (Stopwatch.GetTimestamp() >= Interlocked.Read(ref _servingUntil))
                {
                    return $"could not renew the lock within its time-to-live: {error.Message}";
                }

                LogRenewFailed(_logger, error.Message);
                wait = RetryInterval;
            }

            if (Stopwatch.GetTimestamp() >= Interlocked.Read(ref _servingUntil))
            {
                // Paused (SIGSTOP, a long GC) past the window: another node may be active already.
                return "paused past the lock's time-to-live";
            }
        }
    }

    /// <summary>The nodes that said recently that they are up, this one included (Vault's <c>sys/ha-status</c>).</summary>
    public ValueTask<IReadOnlyList<HaNodeEntry>> NodesAsync(CancellationToken cancellationToken) => _lock.ReadNodesAsync(cancellationToken);

    /// <summary>This node's identity in the lock.</summary>
    public string Identity => _lock.Identity;

    private async Task HeartbeatIfDueAsync(CancellationToken stopping, bool force = false)
    {
        if (!force && Stopwatch.GetTimestamp() < Interlocked.Read(ref _heartbeatDue))
        {
            return;
        }

        try
        {
            await _lock.HeartbeatAsync(ApiAddress!, stopping).ConfigureAwait(false);
            Interlocked.Exchange(ref _heartbeatDue, Stopwatch.GetTimestamp() + Ticks(_renewInterval));
        }
        catch (PluginHostException error)
        {
            // Only sys/ha-status's list misses this node for a while: no reason to stop serving.
            LogHeartbeatFailed(_logger, error.Message);
        }
    }

    private async Task<HaLeader?> RefreshLeaderAsync(CancellationToken cancellationToken)
    {
        var holder = await _lock.ReadHolderAsync(cancellationToken).ConfigureAwait(false);
        var leader = holder is null ? null : new HaLeader(holder.Value, IsSelf: holder.Identity == _lock.Identity);
        _leader = leader;
        return leader;
    }

    private async Task ReleaseQuietlyAsync()
    {
        try
        {
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _lock.ReleaseAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is PluginHostException or OperationCanceledException)
        {
            LogReleaseFailed(_logger, error.Message);
        }
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken stopping)
    {
        try
        {
            await _wake.WaitAsync(delay, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The loop checks the token next.
        }
    }

    private void SetState(HaNodeState state) => _state = (int)state;

    private sealed class HeldForInit(HaCoordinator owner) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await owner.ReleaseQuietlyAsync().ConfigureAwait(false);
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    [LoggerMessage(Level = LogLevel.Information, Message = "took the HA lock: this node is active, at {ApiAddress}")]
    private static partial void LogActive(ILogger logger, string apiAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "this node is no longer active ({Reason}): its mounts and plugins are stopped, and it is a standby")]
    private static partial void LogStandby(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not renew the HA lock: {Reason}; trying again")]
    private static partial void LogRenewFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not record this node's heartbeat: {Reason}")]
    private static partial void LogHeartbeatFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not release the HA lock: {Reason}; it expires by itself")]
    private static partial void LogReleaseFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "HA: {Reason}; trying again in a second")]
    private static partial void LogLoopFailed(ILogger logger, string reason);
}
