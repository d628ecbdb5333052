using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PluginHost.Leases;
using PluginHost.Tests.TestDoubles;
using PluginHost.Storage;

namespace PluginHost.Tests.Leases;

/// <summary>
/// The expiration manager over a real store and a fake clock: leases are revoked by their backend at expiry and not
/// before, a failed revocation is kept and retried with a growing delay, leases survive a restart, renewals are capped
/// by the max TTL, and revoking by token, by prefix (forced or not) and tidying do what Vault's do.
/// </summary>
[TestClass]
public sealed class ExpirationManagerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryStorage _storage = new();
    private readonly RecordingBackend _backend;

    public ExpirationManagerTests() => _backend = new RecordingBackend { Clock = _time };

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Token => TestContext.CancellationToken;

    [TestMethod]
    public async Task ALease_IsRevokedByItsBackendAtItsExpiry_NotBefore_AndThenForgotten()
    {
        await using var manager = await StartedAsync();
        var lease = await manager.RegisterAsync("database/creds/readonly", TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), renewable: true, null, "accessor-1", Token);

        StringAssert.StartsWith(lease.LeaseId, "database/creds/readonly/");
        Assert.AreEqual(TimeSpan.FromSeconds(30), lease.TtlAt(_time.GetUtcNow()));
        await _time.AdvanceUntilAsync(() => _backend.Revoked.ContainsKey(lease.LeaseId), TimeSpan.FromMinutes(2), Token);

        Assert.IsGreaterThanOrEqualTo(lease.ExpireTime, _backend.Revoked[lease.LeaseId], "not revoked before its expiry");
        await Eventually(async () => await _storage.GetAsync("sys/expire/id/" + lease.LeaseId, Token) is null);
        var gone = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await manager.LookupAsync(lease.LeaseId, Token));
        Assert.AreEqual("invalid lease", gone.Message);
    }

    [TestMethod]
    public async Task ARevocationThatFails_IsKeptWithItsError_AndRetriedWithAGrowingDelay_UntilItSucceeds()
    {
        _backend.FailuresLeft = 3;
        await using var manager = await StartedAsync();
        var lease = await manager.RegisterAsync("database/creds/readonly", TimeSpan.FromSeconds(5), TimeSpan.Zero, renewable: false, null, null, Token);

        await _time.AdvanceUntilAsync(() => _backend.Attempts >= 2, TimeSpan.FromMinutes(1), Token);
        var kept = await manager.LookupAsync(lease.LeaseId, Token);
        Assert.IsGreaterThanOrEqualTo(1, kept.RevokeAttempts);
        Assert.AreEqual("database unreachable", kept.RevokeError);

        await _time.AdvanceUntilAsync(() => _backend.Revoked.ContainsKey(lease.LeaseId), TimeSpan.FromMinutes(1), Token);
        Assert.AreEqual(4, _backend.Attempts, "three failures, then the success");
        var times = _backend.AttemptTimes.ToArray();
        Assert.IsGreaterThan(times[1] - times[0], times[3] - times[2], "the third retry waited longer than the first (1 s, 2 s, 4 s)");
    }

    [TestMethod]
    public async Task Leases_SurviveARestart_AndAreStillRevokedOnTime()
    {
        LeaseEntry lease;
        await using (var first = await StartedAsync())
        {
            lease = await first.RegisterAsync("database/creds/readonly", TimeSpan.FromMinutes(10), TimeSpan.FromHours(1), renewable: true, null, null, Token);
        }

        await using var restarted = await StartedAsync();
        Assert.AreEqual(lease.ExpireTime, (await restarted.LookupAsync(lease.LeaseId, Token)).ExpireTime);
        await _time.AdvanceUntilAsync(() => _backend.Revoked.ContainsKey(lease.LeaseId), TimeSpan.FromMinutes(20), Token);

        Assert.IsGreaterThanOrEqualTo(lease.ExpireTime, _backend.Revoked[lease.LeaseId]);
    }

    [TestMethod]
    public async Task Renew_ExtendsTheLease_CappedByItsMaxTtl_AndRefusesWhatVaultRefuses()
    {
        await using var manager = await StartedAsync();
        var lease = await manager.RegisterAsync("database/creds/readonly", TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), renewable: true, null, null, Token);
        var fixedLease = await manager.RegisterAsync("database/creds/fixed", TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), renewable: false, null, null, Token);

        _time.Advance(TimeSpan.FromMinutes(1));
        var renewed = await manager.RenewAsync(lease.LeaseId, TimeSpan.FromMinutes(20), Token);
        Assert.AreEqual(_time.GetUtcNow() + TimeSpan.FromMinutes(20), renewed.ExpireTime);
        Assert.AreEqual(TimeSpan.FromMinutes(20), _backend.LastIncrement);

        var capped = await manager.RenewAsync(lease.LeaseId, TimeSpan.FromHours(5), Token);
        Assert.AreEqual(lease.MaxExpireTime, capped.ExpireTime, "no further than issue time + max TTL");
        Assert.AreEqual(TimeSpan.FromMinutes(29), _backend.LastIncrement, "the backend is asked for the capped increment");

        var locks = manager.LockCount;
        for (var i = 0; i < 100; i++)
        {
            await manager.RevokeAsync($"database/creds/made-up-{i}", Token);
            await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await manager.RenewAsync($"database/creds/made-up-{i}", TimeSpan.Zero, Token));
        }

        Assert.AreEqual(locks, manager.LockCount, "made-up lease ids leave no lock behind");
        Assert.AreEqual("lease is not renewable", (await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await manager.RenewAsync(fixedLease.LeaseId, TimeSpan.Zero, Token))).Message);
        Assert.AreEqual("invalid lease", (await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await manager.RenewAsync("database/creds/readonly/nope", TimeSpan.Zero, Token))).Message);
    }

    [TestMethod]
    public async Task ALeaseRenewedBeforeItsExpiry_IsRevokedAtItsNewExpiry_NotTheOldOne()
    {
        await using var manager = await StartedAsync();
        var lease = await manager.RegisterAsync("database/creds/readonly", TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), renewable: true, null, null, Token);
        await _time.AdvanceUntilAsync(() => _time.GetUtcNow() >= lease.ExpireTime - TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), Token);

        var renewed = await manager.RenewAsync(lease.LeaseId, TimeSpan.FromMinutes(10), Token);
        await _time.AdvanceUntilAsync(() => _backend.Revoked.ContainsKey(lease.LeaseId), TimeSpan.FromMinutes(15), Token);

        Assert.IsGreaterThanOrEqualTo(renewed.ExpireTime, _backend.Revoked[lease.LeaseId], "revoked at the renewed expiry");
    }

    [TestMethod]
    public async Task RevokingAToken_RevokesItsLeasesOnly_AndTidyDropsIndexEntriesLeftBehind()
    {
        await using var manager = await StartedAsync();
        var mine = await manager.RegisterAsync("database/creds/a", TimeSpan.FromHours(1), TimeSpan.Zero, true, null, "accessor-mine", Token);
        var alsoMine = await manager.RegisterAsync("database/creds/b", TimeSpan.FromHours(1), TimeSpan.Zero, true, null, "accessor-mine", Token);
        var theirs = await manager.RegisterAsync("database/creds/a", TimeSpan.FromHours(1), TimeSpan.Zero, true, null, "accessor-theirs", Token);

        await manager.RevokeByTokenAsync("accessor-mine", Token);

        CollectionAssert.AreEquivalent(new[] { mine.LeaseId, alsoMine.LeaseId }, _backend.Revoked.Keys.ToArray());
        Assert.IsNotNull(await manager.LookupAsync(theirs.LeaseId, Token));

        // A crash between deleting a lease and its index entry leaves the entry: tidy removes it.
        await _storage.DeleteAsync("sys/expire/id/" + theirs.LeaseId, Token);
        Assert.AreEqual(1, await manager.TidyAsync(Token));
        Assert.AreEqual(0, await manager.TidyAsync(Token));
    }

    [TestMethod]
    public async Task RevokePrefix_KeepsWhatItCouldNotRevoke_UnlessForced()
    {
        await using var manager = await StartedAsync();
        var a = await manager.RegisterAsync("database/creds/readonly", TimeSpan.FromHours(1), TimeSpan.Zero, true, null, null, Token);
        var b = await manager.RegisterAsync("database/creds/readonly", TimeSpan.FromHours(1), TimeSpan.Zero, true, null, null, Token);
        var other = await manager.RegisterAsync("kv/creds/x", TimeSpan.FromHours(1), TimeSpan.Zero, true, null, null, Token);
        _backend.FailuresLeft = int.MaxValue;

        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await manager.RevokePrefixAsync("database/", force: false, Token));
        StringAssert.Contains(refused.Message, "failed to revoke 2 of the 2 leases under 'database/'");
        Assert.IsNotNull(await manager.LookupAsync(a.LeaseId, Token));

        Assert.AreEqual(2, await manager.RevokePrefixAsync("database/", force: true, Token));
        var similar = await manager.RegisterAsync("database/creds/readonly-2", TimeSpan.FromHours(1), TimeSpan.Zero, true, null, null, Token);
        var exact = await manager.RegisterAsync("database/creds/readonly", TimeSpan.FromHours(1), TimeSpan.Zero, true, null, null, Token);
        Assert.AreEqual(1, await manager.RevokePrefixAsync("database/creds/readonly", force: true, Token), "whole segments only");
        Assert.IsNotNull(await manager.LookupAsync(similar.LeaseId, Token));
        Assert.AreEqual(1, await manager.RevokePrefixAsync(similar.LeaseId, force: true, Token), "a whole lease id names that lease");
        await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await manager.LookupAsync(exact.LeaseId, Token));
        await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await manager.LookupAsync(b.LeaseId, Token));
        Assert.IsNotNull(await manager.LookupAsync(other.LeaseId, Token), "outside the prefix");
    }

    private async Task<ExpirationManager> StartedAsync()
    {
        var manager = new ExpirationManager(_storage, _backend, _time, NullLogger<ExpirationManager>.Instance);
        await manager.StartAsync(Token);
        return manager;
    }

    private async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            Assert.IsLessThan(deadline, DateTime.UtcNow, "the condition did not hold within 10 s");
            await Task.Delay(5, Token);
        }
    }

    private sealed class RecordingBackend : ILeaseBackend
    {
        private int _attempts;

        public ConcurrentDictionary<string, DateTimeOffset> Revoked { get; } = new();

        public ConcurrentQueue<DateTimeOffset> AttemptTimes { get; } = new();

        public int FailuresLeft { get; set; }

        public int Attempts => Volatile.Read(ref _attempts);

        public TimeSpan LastIncrement { get; private set; }

        public TimeProvider Clock { get; set; } = TimeProvider.System;

        public ValueTask RevokeAsync(LeaseEntry lease, CancellationToken cancellationToken)
        {
            AttemptTimes.Enqueue(Clock.GetUtcNow());
            Interlocked.Increment(ref _attempts);
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new InvalidOperationException("database unreachable");
            }

            Revoked[lease.LeaseId] = Clock.GetUtcNow();
            return ValueTask.CompletedTask;
        }

        public ValueTask<TimeSpan> RenewAsync(LeaseEntry lease, TimeSpan increment, CancellationToken cancellationToken)
        {
            LastIncrement = increment;
            return ValueTask.FromResult(increment);
        }
    }
}
