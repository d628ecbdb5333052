using Microsoft.Extensions.Logging;
using PluginHost.HighAvailability;
using PluginHost.Hosting;
using PluginHost.Storage.PostgreSql;
using PluginHost.Tests.Postgres;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.IntegrationTests.PostgreSqlStorage;

/// <summary>
/// Hosts sharing one PostgreSQL store with HA on, each in a service provider of its own as separate processes would
/// be (node <c>i</c> at <c>http://node{i}:8200</c>), with a short lock time-to-live so takeovers are quick.
/// </summary>
internal sealed class HaCluster : IAsyncDisposable
{
    private readonly PostgresStorageOptions _storage;
    private readonly Action<IPluginHostBuilder>? _seal;
    private readonly List<Node> _nodes = [];

    private HaCluster(PostgresStorageOptions storage, Action<IPluginHostBuilder>? seal)
    {
        _storage = storage;
        _seal = seal;
    }

    /// <summary>The lock's time-to-live in these tests.</summary>
    public static TimeSpan Ttl { get; } = TimeSpan.FromSeconds(3);

    /// <summary>The nodes started so far, stopped ones included.</summary>
    public IReadOnlyList<Node> Nodes => _nodes;

    /// <summary>The store's settings (tables, connection).</summary>
    public PostgresStorageOptions Storage => _storage;

    /// <summary>Starts <paramref name="count"/> nodes on a new store.</summary>
    public static async Task<HaCluster> StartAsync(PostgresCluster cluster, int count, Action<IPluginHostBuilder>? seal = null)
    {
        var storage = cluster.NewTable(haEnabled: true);
        storage.HaLockTtl = Ttl;
        var ha = new HaCluster(storage, seal);
        for (var i = 0; i < count; i++)
        {
            ha.AddNode();
        }

        await Task.CompletedTask;
        return ha;
    }

    /// <summary>Starts one more node, with the cluster's seal or <paramref name="seal"/>.</summary>
    public Node AddNode(Action<IPluginHostBuilder>? seal = null)
    {
        var index = _nodes.Count;
        var services = new ServiceCollection();
        var logs = new CapturedLogs();
        services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var builder = services.AddPluginHost(o =>
        {
            o.ApiAddress = $"http://node{index}:8200";
            o.UsePostgreSql(_storage.ConnectionUrl, pg =>
            {
                pg.Table = _storage.Table;
                pg.HaTable = _storage.HaTable;
                pg.HaEnabled = true;
                pg.HaLockTtl = _storage.HaLockTtl;
            });
        });
        (seal ?? _seal)?.Invoke(builder);
        var provider = services.BuildServiceProvider();
        var node = new Node(index, provider, provider.GetRequiredService<IPluginHost>(), provider.GetRequiredService<IHaNode>(), logs);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Waits until exactly one running node is active and every other unsealed one is a standby that knows it.</summary>
    public async Task<Node> ActiveAsync(TimeSpan? timeout = null)
    {
        Node? active = null;
        await Eventually.TrueAsync(
            () =>
            {
                var running = _nodes.Where(n => !n.Stopped).ToList();
                var actives = running.Where(n => n.Ha.State == HaNodeState.Active).ToList();
                active = actives.Count == 1 ? actives[0] : null;
                return Task.FromResult(active is not null && running.Where(n => n != active && n.Ha.State != HaNodeState.Sealed)
                    .All(n => n.Ha.State == HaNodeState.Standby && n.Ha.Leader?.Address == active.Address));
            },
            "one node is active and the others know it",
            timeout ?? TimeSpan.FromSeconds(20));
        return active!;
    }

    /// <summary>Who holds the lock, read as any node would.</summary>
    public async Task<HaLockHolder?> LockHolderAsync()
    {
        await using var storage = new PostgresStorage(_storage);
        return await storage.Lock.ReadHolderAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.Where(n => !n.Stopped))
        {
            await node.StopAsync();
        }
    }

    /// <summary>One host of the cluster.</summary>
    internal sealed class Node(int index, ServiceProvider services, IPluginHost host, IHaNode ha, CapturedLogs logs)
    {
        public int Index => index;

        public string Address => $"http://node{index}:8200";

        public IPluginHost Host => host;

        public IHaNode Ha => ha;

        public CapturedLogs Logs => logs;

        public bool Stopped { get; private set; }

        /// <summary>Stops the host as a clean shutdown does: plugins stopped, lock released.</summary>
        public async Task StopAsync()
        {
            Stopped = true;
            await services.DisposeAsync();
        }
    }
}
