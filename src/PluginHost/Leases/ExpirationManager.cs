using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace PluginHost.Leases;

/// <summary>
/// Vault's expiration manager: registers the leases backends' secrets get, keeps them in storage, and revokes each at
/// its expiry by asking its backend, retrying a failed revocation with a growing delay (capped, for ever: a lease is
/// never dropped because its backend was down). Renewals ask the backend too, capped by the lease's max TTL.
/// Revoking a token revokes the leases issued to it. Restored from storage at start.
/// </summary>
internal sealed partial class ExpirationManager : IAsyncDisposable
{
    /// <summary>The first retry of a failed revocation; each next one waits twice as long, up to <see cref="MaxRetryDelay"/>.</summary>
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts to revoke a lease.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);

    private readonly LeaseStore _store;
    private readonly ILeaseBackend _backend;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SortedSet<(DateTimeOffset Due, string Id)> _queue = [];
    private readonly Dictionary<string, DateTimeOffset> _dueById = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _leaseLocks = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _wake = NewSignal();
    private Task? _loop;

    public ExpirationManager(IStorage storage, ILeaseBackend backend, TimeProvider clock, ILogger<ExpirationManager> logger)
    {
        _store = new LeaseStore(storage);
        _backend = backend;
        _clock = clock;
        _logger = logger;
    }

    /// <summary>Loads every stored lease, schedules it (an expired one at once), and starts revoking on time.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var id in _store.IdsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await _store.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } lease)
            {
                Schedule(lease.LeaseId, lease.ExpireTime);
                count++;
            }
        }

        LogRestored(_logger, count);
        _loop ??= Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>Issues a lease for a secret read at <paramref name="path"/>; persisted before it is returned.</summary>
    /// <param name="path">The request path (mount and path); the lease id is it, <c>/</c>, and a random id.</param>
    /// <param name="ttl">How long the secret lives.</param>
    /// <param name="maxTtl">The longest it may live with renewals, from now.</param>
    /// <param name="renewable">Whether the backend lets it be renewed.</param>
    /// <param name="internalData">What the backend needs back at renew and revoke.</param>
    /// <param name="tokenAccessor">The accessor of the token it was issued to, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the storage calls.</param>
    public async ValueTask<LeaseEntry> RegisterAsync(
        string path,
        TimeSpan ttl,
        TimeSpan maxTtl,
        bool renewable,
        IReadOnlyDictionary<string, System.Text.Json.JsonElement>? internalData,
        string? tokenAccessor,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var now = _clock.GetUtcNow();
        var maxExpire = now + (maxTtl > TimeSpan.Zero ? maxTtl : ttl);
        var lease = new LeaseEntry
        {
            LeaseId = path.TrimEnd('/') + "/" + NewId(),
            Path = path,
            IssueTime = now,
            ExpireTime = Min(now + ttl, maxExpire),
            MaxExpireTime = maxExpire,
            Renewable = renewable,
            InternalData = internalData,
            TokenAccessor = tokenAccessor,
        };
        await _store.PutAsync(lease, cancellationToken).ConfigureAwait(false);
        Schedule(lease.LeaseId, lease.ExpireTime);
        return lease;
    }

    /// <summary>The lease (Vault's <c>sys/leases/lookup</c>).</summary>
    /// <exception cref="PluginHostException">There is no such lease (400 <c>invalid lease</c>).</exception>
    public async ValueTask<LeaseEntry> LookupAsync(string leaseId, CancellationToken cancellationToken) =>
        await _store.GetAsync(leaseId, cancellationToken).ConfigureAwait(false) ?? throw InvalidLease();

    /// <summary>
    /// Renews the lease by <paramref name="increment"/> (its original TTL when zero), capped by its max TTL; the backend
    /// grants the TTL (Vault's <c>sys/leases/renew</c>).
    /// </summary>
    /// <exception cref="PluginHostException">No such lease, not renewable, or already past its expiry (400).</exception>
    public async ValueTask<LeaseEntry> RenewAsync(string leaseId, TimeSpan increment, CancellationToken cancellationToken)
    {
        var gate = LockOf(leaseId);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await _store.GetAsync(leaseId, cancellationToken).ConfigureAwait(false) is not { } lease)
            {
                // No lock is kept for an id that is no lease: callers cannot grow the table with made-up ids.
                _leaseLocks.TryRemove(leaseId, out _);
                throw InvalidLease();
            }

            var now = _clock.GetUtcNow();
            if (!lease.Renewable)
            {
                throw new PluginHostException(ErrorCode.BadRequest, "lease is not renewable");
            }

            if (lease.ExpireTime <= now)
            {
                throw new PluginHostException(ErrorCode.BadRequest, "lease expired");
            }

            var wanted = increment > TimeSpan.Zero ? increment : lease.ExpireTime - (lease.LastRenewalTime ?? lease.IssueTime);
            var capped = Min(now + wanted, lease.MaxExpireTime) - now;
            var granted = await _backend.RenewAsync(lease, capped, cancellationToken).ConfigureAwait(false);
            var renewed = lease with { ExpireTime = now + (granted < capped ? granted : capped), LastRenewalTime = now };
            await _store.PutAsync(renewed, cancellationToken).ConfigureAwait(false);
            Schedule(renewed.LeaseId, renewed.ExpireTime);
            return renewed;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Revokes the lease now: the backend's revoke, then the lease is deleted. An unknown lease is nothing to do.</summary>
    /// <exception cref="PluginHostException">The backend failed (500): the lease is kept and retried.</exception>
    public async ValueTask RevokeAsync(string leaseId, CancellationToken cancellationToken)
    {
        if (!await TryRevokeAsync(leaseId, force: false, cancellationToken).ConfigureAwait(false))
        {
            throw new PluginHostException(ErrorCode.Internal, $"failed to revoke lease {leaseId}: the backend could not revoke it; it is kept and retried");
        }
    }

    /// <summary>
    /// Revokes every lease whose id starts with <paramref name="prefix"/> (Vault's <c>revoke-prefix</c>); with
    /// <paramref name="force"/> (<c>revoke-force</c>) a lease the backend fails to revoke is deleted anyway.
    /// </summary>
    /// <returns>How many leases were revoked.</returns>
    /// <exception cref="PluginHostException">Without force, some could not be revoked (500): they are kept and retried.</exception>
    public async ValueTask<int> RevokePrefixAsync(string prefix, bool force, CancellationToken cancellationToken)
    {
        // As Vault's: a whole lease id names that lease; anything else is a path, whose segments must match whole
        // ("database/creds/read" is not a prefix of "database/creds/readonly/…").
        var ids = new List<string>();
        if (!prefix.EndsWith('/') && await _store.GetAsync(prefix, cancellationToken).ConfigureAwait(false) is not null)
        {
            ids.Add(prefix);
        }
        else
        {
            prefix = prefix.EndsWith('/') ? prefix : prefix + "/";
            ids.AddRange(await IdsUnderAsync(prefix, cancellationToken).ConfigureAwait(false));
        }

        var failed = 0;
        foreach (var id in ids)
        {
            if (!await TryRevokeAsync(id, force, cancellationToken).ConfigureAwait(false))
            {
                failed++;
            }
        }

        return failed == 0
            ? ids.Count
            : throw new PluginHostException(ErrorCode.Internal, $"failed to revoke {failed} of the {ids.Count} leases under '{prefix}': they are kept and retried (revoke-force deletes them without their backend)");
    }

    /// <summary>Revokes the leases issued to a token (its revocation's part); those that fail are kept and retried.</summary>
    public async ValueTask RevokeByTokenAsync(string accessor, CancellationToken cancellationToken)
    {
        foreach (var id in await _store.IdsOfTokenAsync(accessor, cancellationToken).ConfigureAwait(false))
        {
            await TryRevokeAsync(id, force: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>How many leases have ids starting with <paramref name="prefix"/>.</summary>
    public async ValueTask<int> CountAsync(string prefix, CancellationToken cancellationToken) =>
        (await IdsUnderAsync(prefix, cancellationToken).ConfigureAwait(false)).Count;

    /// <summary>The leases whose ids start with <paramref name="prefix"/> (whole ids, no segment rule), read one by one.</summary>
    public async IAsyncEnumerable<LeaseEntry> LeasesUnderAsync(string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var id in await IdsUnderAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            if (await _store.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } lease)
            {
                yield return lease;
            }
        }
    }

    private async ValueTask<List<string>> IdsUnderAsync(string prefix, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await foreach (var id in _store.IdsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (id.StartsWith(prefix, StringComparison.Ordinal))
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    /// <summary>The lease's time left now.</summary>
    public TimeSpan TtlOf(LeaseEntry lease) => lease.TtlAt(_clock.GetUtcNow());

    /// <summary>Every lease id.</summary>
    public IAsyncEnumerable<string> IdsAsync(CancellationToken cancellationToken) => _store.IdsAsync(cancellationToken);

    /// <summary>Removes token index entries whose lease is gone (Vault's <c>sys/leases/tidy</c>).</summary>
    /// <returns>How many entries were removed.</returns>
    public async ValueTask<int> TidyAsync(CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var accessor in await _store.IndexedTokensAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var id in await _store.IdsOfTokenAsync(accessor, cancellationToken).ConfigureAwait(false))
            {
                if (await _store.GetAsync(id, cancellationToken).ConfigureAwait(false) is null)
                {
                    await _store.DeleteIndexAsync(accessor, id, cancellationToken).ConfigureAwait(false);
                    removed++;
                }
            }
        }

        return removed;
    }

    /// <summary>Stops revoking; leases stay stored for the next start.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    // Revokes under the lease's lock; false when the backend failed (the lease is then kept, or deleted when forced).
    private async ValueTask<bool> TryRevokeAsync(string leaseId, bool force, CancellationToken cancellationToken, bool onlyIfDue = false)
    {
        var gate = LockOf(leaseId);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await _store.GetAsync(leaseId, cancellationToken).ConfigureAwait(false) is not { } lease)
            {
                Unschedule(leaseId);
                _leaseLocks.TryRemove(leaseId, out _);
                return true;
            }

            if (onlyIfDue && lease.ExpireTime > _clock.GetUtcNow())
            {
                // Renewed after the expiry loop picked it: the renewal rescheduled it.
                return true;
            }

            try
            {
                await _backend.RevokeAsync(lease, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (!force)
                {
                    await RetryLaterAsync(lease, error, cancellationToken).ConfigureAwait(false);
                    return false;
                }

                LogForced(_logger, leaseId, error.Message);
            }

            await _store.DeleteAsync(lease, cancellationToken).ConfigureAwait(false);
            Unschedule(leaseId);
            _leaseLocks.TryRemove(leaseId, out _);
            LogRevoked(_logger, leaseId);
            return true;
        }
        finally
        {
            gate.Release();
        }
    }

    private async ValueTask RetryLaterAsync(LeaseEntry lease, Exception error, CancellationToken cancellationToken)
    {
        var attempts = lease.RevokeAttempts + 1;
        var delay = TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, FirstRetryDelay.Ticks << Math.Min(attempts - 1, 20)));
        var kept = lease with { RevokeAttempts = attempts, RevokeError = ErrorBounds.Cut(error.Message) };
        await _store.PutAsync(kept, cancellationToken).ConfigureAwait(false);
        Schedule(lease.LeaseId, _clock.GetUtcNow() + delay);
        LogRevokeFailed(_logger, lease.LeaseId, attempts, delay.TotalSeconds, error.Message);
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            // The signal is taken before the queue is read: a lease scheduled in between completes it.
            var wake = Volatile.Read(ref _wake);
            (DateTimeOffset Due, string Id) next;
            lock (_gate)
            {
                next = _queue.Count > 0 ? _queue.Min : default;
            }

            try
            {
                if (next.Id is null)
                {
                    await wake.Task.WaitAsync(stopping).ConfigureAwait(false);
                    continue;
                }

                var wait = next.Due - _clock.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    using var woken = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                    var delay = Task.Delay(wait, _clock, woken.Token);
                    await Task.WhenAny(delay, wake.Task).ConfigureAwait(false);
                    await woken.CancelAsync().ConfigureAwait(false);
                    continue;
                }

                Unschedule(next.Id, next.Due);
                await TryRevokeAsync(next.Id, force: false, stopping, onlyIfDue: true).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // A storage failure: the lease stays where it is and is tried again after the first retry delay.
                LogExpiryFailed(_logger, next.Id ?? "", error.Message);
                Schedule(next.Id!, _clock.GetUtcNow() + FirstRetryDelay);
            }
        }
    }

    private void Schedule(string leaseId, DateTimeOffset due)
    {
        lock (_gate)
        {
            if (_dueById.Remove(leaseId, out var previous))
            {
                _queue.Remove((previous, leaseId));
            }

            _dueById[leaseId] = due;
            _queue.Add((due, leaseId));
        }

        Interlocked.Exchange(ref _wake, NewSignal()).TrySetResult();
    }

    private void Unschedule(string leaseId, DateTimeOffset? onlyIfDue = null)
    {
        lock (_gate)
        {
            if (_dueById.TryGetValue(leaseId, out var due) && (onlyIfDue is null || onlyIfDue == due))
            {
                _dueById.Remove(leaseId);
                _queue.Remove((due, leaseId));
            }
        }
    }

    // One lock per lease being changed; removed once the lease is gone or was never there.
    private SemaphoreSlim LockOf(string leaseId) => _leaseLocks.GetOrAdd(leaseId, _ => new SemaphoreSlim(1, 1));

    /// <summary>How many per-lease locks are held (for tests: made-up ids must not grow it).</summary>
    internal int LockCount => _leaseLocks.Count;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static PluginHostException InvalidLease() => new(ErrorCode.BadRequest, "invalid lease");

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    // Vault's lease ids end in 24 random URL-safe characters.
    private static string NewId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', 'x').Replace('/', 'y');

    [LoggerMessage(Level = LogLevel.Information, Message = "restored {Count} leases")]
    private static partial void LogRestored(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "revoked lease {LeaseId}")]
    private static partial void LogRevoked(ILogger logger, string leaseId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not revoke lease {LeaseId} (attempt {Attempts}): {Reason}; next attempt in {Seconds}s")]
    private static partial void LogRevokeFailed(ILogger logger, string leaseId, int attempts, double seconds, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "revoke-force deleted lease {LeaseId} although its backend failed to revoke it: {Reason}")]
    private static partial void LogForced(ILogger logger, string leaseId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "could not expire lease {LeaseId}: {Reason}; retrying")]
    private static partial void LogExpiryFailed(ILogger logger, string leaseId, string reason);
}
