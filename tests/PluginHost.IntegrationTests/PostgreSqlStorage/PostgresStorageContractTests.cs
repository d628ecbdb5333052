using PluginHost.Storage.PostgreSql;
using PluginHost.Tests.Storage;

namespace PluginHost.IntegrationTests.PostgreSqlStorage;

/// <summary>The storage contract every <see cref="IStorage"/> keeps, against a real PostgreSQL, each test on a new table.</summary>
[TestClass]
public sealed class PostgresStorageContractTests : StorageContractTests
{
    private readonly List<PostgresStorage> _stores = [];

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
        var store = new PostgresStorage(cluster.NewTable());
        _stores.Add(store);
        return store;
    }
}

/// <summary>The contract again with HA on: a node holding the lock writes as if alone.</summary>
[TestClass]
public sealed class PostgresHaStorageContractTests : StorageContractTests
{
    private readonly List<PostgresStorage> _stores = [];

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
        var store = new PostgresStorage(cluster.NewTable(haEnabled: true));
        _stores.Add(store);
        Assert.IsTrue(store.Lock.TryAcquireAsync("http://127.0.0.1:8200", CancellationToken.None).AsTask().GetAwaiter().GetResult());
        return store;
    }
}
