using System.Collections.Concurrent;
using Npgsql;
using PluginHost.Storage.PostgreSql;
using PluginHost.Tests.TestDoubles;
using PluginHost.Tests.Postgres;

namespace PluginHost.IntegrationTests.PostgreSqlStorage;

/// <summary>
/// The change feed over LISTEN/NOTIFY with two nodes' stores on one real PostgreSQL: each node hears the other's
/// committed writes and deletes (not its own, not a write the fence kept out), and is told to read everything again
/// when its listening connection was lost.
/// </summary>
[TestClass]
public sealed class PostgresChangeFeedTests : SharedPostgresTests
{
    [TestMethod]
    public async Task ANodeHearsTheOthersWritesAndDeletes_NotItsOwn_NorAFencedOutWrite()
    {
        var options = Cluster.NewTable(haEnabled: true);
        await using var active = new PostgresStorage(options);
        await using var standby = new PostgresStorage(options);
        var heardByStandby = Record(standby);
        var heardByActive = Record(active);
        await Eventually.TrueAsync(() => Task.FromResult(heardByStandby.Contains(FullCheck) && heardByActive.Contains(FullCheck)), "both feeds listen");
        Assert.IsTrue(await active.Lock.TryAcquireAsync("http://a:8200", Token));

        await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await standby.PutAsync(new StorageEntry("fenced/out", [1]), Token));
        await active.PutAsync(new StorageEntry("core/keyring", [1]), Token);
        await active.PutAsync(new StorageEntry("top", [1]), Token);
        await active.DeleteAsync("core/keyring", Token);

        await Eventually.TrueAsync(() => Task.FromResult(heardByStandby.Count(k => k != FullCheck) == 3), "the standby hears three changes");
        CollectionAssert.AreEqual(new[] { "core/keyring", "top", "core/keyring" }, heardByStandby.Where(k => k != FullCheck).ToArray());
        Assert.IsFalse(heardByActive.Any(k => k != FullCheck), "a node is not told of its own writes, nor of a write refused by the fence: " + string.Join(", ", heardByActive));
    }

    [TestMethod]
    public async Task AfterItsConnectionIsLost_TheFeedReconnects_AndAsksForAFullCheck()
    {
        var options = Cluster.NewTable(haEnabled: true);
        options.ConnectionUrl = new NpgsqlConnectionStringBuilder(options.ConnectionUrl) { ApplicationName = options.Table }.ConnectionString;
        await using var active = new PostgresStorage(options);
        await using var standby = new PostgresStorage(options);
        var heard = Record(standby);
        await Eventually.TrueAsync(() => Task.FromResult(heard.Contains(FullCheck)), "the feed listens");
        Assert.IsTrue(await active.Lock.TryAcquireAsync("http://a:8200", Token));
        heard.Clear();

        // Every session of this store's application name, the listener among them, dies (a restart, a failover).
        Assert.IsTrue(await Cluster.AdminScalarAsync(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", Token, options.Table) is long and > 0);

        await Eventually.TrueAsync(() => Task.FromResult(heard.Contains(FullCheck)), "the feed asks for a full check once it listens again", TimeSpan.FromSeconds(10));
        await active.PutAsync(new StorageEntry("after/reconnect", [1]), Token);
        await Eventually.TrueAsync(() => Task.FromResult(heard.Contains("after/reconnect")), "the feed hears writes again");
    }

    [TestMethod]
    public void AStoreNotShared_HasNoFeed_AndSaysWhy()
    {
        using var alone = new PostgresStorage(Cluster.NewTable());

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => alone.Changes);

        StringAssert.Contains(error.Message, "not shared, so it has no change feed");
    }

    private const string FullCheck = "(full check)";

    private static ConcurrentQueue<string> Record(PostgresStorage storage)
    {
        var heard = new ConcurrentQueue<string>();
        storage.Changes.Watch((key, _) =>
        {
            heard.Enqueue(key ?? FullCheck);
            return ValueTask.CompletedTask;
        });
        return heard;
    }
}
