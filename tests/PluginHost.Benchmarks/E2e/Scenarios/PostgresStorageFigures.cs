using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.HighAvailability;
using PluginHost.Hosting;
using PluginHost.Http;
using PluginHost.Storage.PostgreSql;
using PluginHost.Tests.Postgres;

namespace PluginHost.Benchmarks.E2e.Scenarios;

/// <summary>
/// PostgreSQL storage and HA (issue 18), each against its floor in the same run, in alternating passes so drift on a
/// noisy machine falls on both sides:
/// <list type="bullet">
/// <item><c>pg_storage_get_us_p50</c>: <see cref="PostgresStorage.GetAsync"/> of one entry, against the floor
/// <c>pg_select_us_p50</c>, the same primary-key SELECT over a bare pooled Npgsql data source.</item>
/// <item><c>forwarded_read_us_p50</c>: an HTTP read of a builtin kv secret sent to a standby, which forwards it to the
/// active node (YARP), against <c>direct_read_us_p50</c>, the same read sent to the active node. Both nodes run in this
/// process on loopback, sharing one PostgreSQL with HA on.</item>
/// </list>
/// </summary>
internal static class PostgresStorageFigures
{
    private const string RootToken = "bench-root";

    public sealed record Pair(double FigureUsP50, double FloorUsP50, double Ratio, IReadOnlyList<double> FigurePasses, IReadOnlyList<double> FloorPasses);

    public static async Task<Pair> StorageGetAsync(PostgresCluster cluster, LatencySampler sampler, int passes, CancellationToken cancellationToken)
    {
        var url = Pooled(cluster);
        await using var storage = new PostgresStorage(new PostgresStorageOptions { ConnectionUrl = url, Table = "bench_kv" });
        await storage.PutAsync(new StorageEntry("bench/key", Encoding.UTF8.GetBytes(new string('v', 64))), cancellationToken);
        await using var floor = NpgsqlDataSource.Create(url);

        var figure = new List<double>(passes);
        var bare = new List<double>(passes);
        for (var pass = 0; pass < passes; pass++)
        {
            bare.Add((await sampler.MeasureAsync(ct => SelectAsync(floor, ct), batchSize: 1, cancellationToken)).P50Us);
            figure.Add((await sampler.MeasureAsync(async ct => _ = await storage.GetAsync("bench/key", ct) ?? throw new InvalidOperationException("bench/key is missing"), batchSize: 1, cancellationToken)).P50Us);
        }

        return Summarize(figure, bare);
    }

    public static async Task<Pair> ForwardedReadAsync(PostgresCluster cluster, LatencySampler sampler, int passes, CancellationToken cancellationToken)
    {
        var url = Pooled(cluster);
        await using var first = await StartNodeAsync(url, cancellationToken);
        await using var second = await StartNodeAsync(url, cancellationToken);
        var (active, standby) = await ActiveAndStandbyAsync(first, second, cancellationToken);

        using var handler = new SocketsHttpHandler { UseProxy = false };
        using var direct = Client(handler, active.Url);
        using var forwarded = Client(handler, standby.Url);
        await AuditOverhead.ExpectAsync(direct.PostAsync("/v1/sys/mounts/builtin", Json("""{"type":"kv"}"""), cancellationToken), HttpStatusCode.NoContent);
        await AuditOverhead.ExpectAsync(direct.PutAsync("/v1/builtin/foo", Json("""{"value":"bar"}"""), cancellationToken), HttpStatusCode.NoContent);

        var figure = new List<double>(passes);
        var bare = new List<double>(passes);
        for (var pass = 0; pass < passes; pass++)
        {
            bare.Add((await sampler.MeasureAsync(ct => AuditOverhead.ReadAsync(direct, ct), batchSize: 1, cancellationToken)).P50Us);
            figure.Add((await sampler.MeasureAsync(ct => AuditOverhead.ReadAsync(forwarded, ct), batchSize: 1, cancellationToken)).P50Us);
        }

        return Summarize(figure, bare);
    }

    private static Pair Summarize(List<double> figure, List<double> floor) =>
        new(Stats.Median(figure), Stats.Median(floor), Stats.Median(figure.Zip(floor, (f, b) => f / b)), figure, floor);

    private static string Pooled(PostgresCluster cluster) =>
        new NpgsqlConnectionStringBuilder(cluster.ConnectionString()) { Pooling = true }.ConnectionString;

    private static async ValueTask SelectAsync(NpgsqlDataSource source, CancellationToken cancellationToken)
    {
        await using var command = source.CreateCommand("SELECT value FROM bench_kv WHERE path = $1 AND key = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "/bench/" });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = "key" });
        if (await command.ExecuteScalarAsync(cancellationToken) is not byte[])
        {
            throw new InvalidOperationException("the floor's row is missing");
        }
    }

    private sealed record Node(WebApplication App, string Url) : IAsyncDisposable
    {
        public IHaNode Ha => App.Services.GetRequiredService<IHaNode>();

        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    private static async Task<Node> StartNodeAsync(string url, CancellationToken cancellationToken)
    {
        var address = $"http://127.0.0.1:{FreePort()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(address);
        builder.Services.AddPluginHost(o =>
        {
            o.UsePostgreSql(url, pg =>
            {
                pg.Table = "bench_ha_kv";
                pg.HaEnabled = true;
                pg.HaTable = "bench_ha_locks";
            });
            o.ApiAddress = address;
        });
        builder.Services.AddPluginHostHttp(o => o.RootToken = RootToken);
        var app = builder.Build();
        app.MapPluginHost();
        await app.StartAsync(cancellationToken);

        // The host (and with it the node's HA loop) is built on first use: start it now.
        app.Services.GetRequiredService<IPluginHost>();
        return new Node(app, address);
    }

    private static async Task<(Node Active, Node Standby)> ActiveAndStandbyAsync(Node first, Node second, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (first.Ha.State == HaNodeState.Active && second.Ha.Leader is { IsSelf: false })
            {
                return (first, second);
            }

            if (second.Ha.State == HaNodeState.Active && first.Ha.Leader is { IsSelf: false })
            {
                return (second, first);
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException("no node became active, with the other a standby that knows it, within 30 s");
    }

    private static HttpClient Client(HttpMessageHandler handler, string address)
    {
        var http = new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Add("X-Vault-Token", RootToken);
        return http;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
