using PluginHost.Storage.PostgreSql;
using PluginHost.Tests.Storage;

namespace PluginHost.IntegrationTests.PostgreSqlStorage;

/// <summary>The storage contract every <see cref="IStorage"/> keeps, against a real PostgreSQL, each test on a new table.</summary>
[TestClass]
public sealed class PostgresStorageContractTests : PostgresContractTestsBase
{
    protected override bool HaEnabled => false;
}

/// <summary>The contract again with HA on: a node holding the lock writes as if alone.</summary>
[TestClass]
public sealed class PostgresHaStorageContractTests : PostgresContractTestsBase
{
    protected override bool HaEnabled => true;
}

/// <summary>Makes each test's store, on a table of its own, and disposes them after it.</summary>
public abstract class PostgresContractTestsBase : StorageContractTests
{
    private readonly List<PostgresStorage> _stores = [];

    /// <summary>Whether the stores share HA storage (and hold the lock).</summary>
    protected abstract bool HaEnabled { get; }

    [TestCleanup]
    public async Task DisposeStores()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    protected override IStorage CreateStorage()
    {
        var cluster = StorageCluster.GetAsync().GetAwaiter().GetResult();
        var store = new PostgresStorage(cluster.NewTable(HaEnabled));
        _stores.Add(store);
        if (HaEnabled)
        {
            Assert.IsTrue(store.Lock.TryAcquireAsync("http://127.0.0.1:8200", CancellationToken.None).AsTask().GetAwaiter().GetResult());
        }

        return store;
    }
}
