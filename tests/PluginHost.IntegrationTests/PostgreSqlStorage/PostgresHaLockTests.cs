using PluginHost.Storage.PostgreSql;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.IntegrationTests.PostgreSqlStorage;

/// <summary>
/// The HA lock and the fence on writes, with two nodes' stores on one real PostgreSQL: one holder at a time, taken
/// over only once expired, and no write from a node that does not hold it.
/// </summary>
[TestClass]
public sealed class PostgresHaLockTests : SharedPostgresTests
{
    private const string AddressA = "http://10.0.0.1:8200";
    private const string AddressB = "http://10.0.0.2:8200";
    [TestMethod]
    public async Task OneHolderAtATime_TheOtherReadsWhoHoldsIt()
    {
        var (a, b) = TwoNodes();
        await using var _ = a;
        await using var __ = b;

        Assert.IsNull(await b.Lock.ReadHolderAsync(Token));
        Assert.IsTrue(await a.Lock.TryAcquireAsync(AddressA, Token));
        Assert.IsFalse(await b.Lock.TryAcquireAsync(AddressB, Token), "a held lock is not taken");
        Assert.IsTrue(await a.Lock.TryAcquireAsync(AddressA, Token), "the holder takes it again");

        Assert.AreEqual(new HaLockHolder(a.Lock.Identity, AddressA), await b.Lock.ReadHolderAsync(Token));
        Assert.AreNotEqual(a.Lock.Identity, b.Lock.Identity);
        Assert.IsTrue(await a.Lock.RenewAsync(Token));
        Assert.IsFalse(await b.Lock.RenewAsync(Token), "only the holder renews");
    }

    [TestMethod]
    public async Task WritesOfANodeNotHoldingTheLock_AreRefused_AndChangeNothing()
    {
        var (a, b) = TwoNodes();
        await using var _ = a;
        await using var __ = b;
        await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await b.PutAsync(new StorageEntry("before", [0]), Token), "nobody holds the lock yet");
        Assert.IsTrue(await a.Lock.TryAcquireAsync(AddressA, Token));
        await a.PutAsync(new StorageEntry("k", [1]), Token);

        var put = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await b.PutAsync(new StorageEntry("k", [2]), Token));
        var delete = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await b.DeleteAsync("k", Token));

        Assert.AreEqual(ErrorCode.Unavailable, put.Code);
        Assert.AreEqual("PostgreSQL storage did not write 'k': this node does not hold the HA lock (another node is active, or this one lost the lock), so it may not write; send the request to the active node", put.Message);
        StringAssert.StartsWith(delete.Message, "PostgreSQL storage did not delete 'k': this node does not hold the HA lock");
        CollectionAssert.AreEqual(new byte[] { 1 }, (await b.GetAsync("k", Token))!.Value, "a standby reads");
        Assert.IsNull(await a.GetAsync("before", Token), "nothing was written before any node held the lock");
    }

    [TestMethod]
    public async Task AnExpiredLock_IsTakenOver_AndTheOldHolderCanNeitherRenewNorWrite()
    {
        var (a, b) = TwoNodes(TimeSpan.FromSeconds(1));
        await using var _ = a;
        await using var __ = b;
        Assert.IsTrue(await a.Lock.TryAcquireAsync(AddressA, Token));
        await a.PutAsync(new StorageEntry("k", [1]), Token);

        // A stops renewing (paused, cut off): B takes the lock once it has expired on the database's clock.
        await Eventually.TrueAsync(async () => await b.Lock.TryAcquireAsync(AddressB, Token), "B takes the expired lock");

        Assert.IsFalse(await a.Lock.RenewAsync(Token));
        var late = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await a.PutAsync(new StorageEntry("k", [9]), Token));
        StringAssert.Contains(late.Message, "does not hold the HA lock");
        await b.PutAsync(new StorageEntry("k", [2]), Token);
        CollectionAssert.AreEqual(new byte[] { 2 }, (await a.GetAsync("k", Token))!.Value);
        Assert.AreEqual(new HaLockHolder(b.Lock.Identity, AddressB), await a.Lock.ReadHolderAsync(Token));
    }

    [TestMethod]
    public async Task AnExpiredLockNobodyTook_IsRenewedByItsHolder_WhoWritesAgain()
    {
        var (a, b) = TwoNodes(TimeSpan.FromSeconds(1));
        await using var _ = a;
        await using var __ = b;
        Assert.IsTrue(await a.Lock.TryAcquireAsync(AddressA, Token));
        await Eventually.TrueAsync(async () => await a.Lock.ReadHolderAsync(Token) is null, "the lock expires");

        var expired = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await a.PutAsync(new StorageEntry("k", [1]), Token));
        StringAssert.Contains(expired.Message, "does not hold the HA lock");

        Assert.IsTrue(await a.Lock.RenewAsync(Token), "nobody else took it: it is still this node's row");
        await a.PutAsync(new StorageEntry("k", [1]), Token);
    }

    [TestMethod]
    public async Task Release_LetsAnotherNodeTakeTheLockAtOnce()
    {
        var (a, b) = TwoNodes();
        await using var _ = a;
        await using var __ = b;
        Assert.IsTrue(await a.Lock.TryAcquireAsync(AddressA, Token));

        await b.Lock.ReleaseAsync(Token);
        Assert.IsFalse(await b.Lock.TryAcquireAsync(AddressB, Token), "releasing someone else's lock does nothing");
        await a.Lock.ReleaseAsync(Token);

        Assert.IsTrue(await b.Lock.TryAcquireAsync(AddressB, Token));
        await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await a.DeleteAsync("k", Token));
        await b.DeleteAsync("k", Token);
    }

    [TestMethod]
    public async Task ManyNodesRacingForAFreeLock_OneWins()
    {
        var options = Cluster.NewTable(haEnabled: true);
        var nodes = Enumerable.Range(0, 5).Select(_ => new PostgresStorage(options)).ToList();
        try
        {
            var won = await Task.WhenAll(nodes.Select((node, i) => node.Lock.TryAcquireAsync($"http://node{i}", Token).AsTask()));

            Assert.AreEqual(1, won.Count(w => w), string.Join(",", won));
            var winner = nodes[Array.IndexOf(won, true)];
            Assert.AreEqual(winner.Lock.Identity, (await nodes[0].Lock.ReadHolderAsync(Token))!.Identity);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static (PostgresStorage A, PostgresStorage B) TwoNodes(TimeSpan? ttl = null)
    {
        var options = Cluster.NewTable(haEnabled: true);
        options.HaLockTtl = ttl ?? TimeSpan.FromSeconds(15);
        return (new PostgresStorage(options), new PostgresStorage(options));
    }
}
