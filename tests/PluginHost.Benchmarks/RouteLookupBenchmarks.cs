using BenchmarkDotNet.Attributes;
using PluginHost.Mounts;
using PluginHost.Routing;

namespace PluginHost.Benchmarks;

/// <summary>Longest-prefix lookup of a request path among N mounts: the router's cost on every request.</summary>
[MemoryDiagnoser]
public class RouteLookupBenchmarks
{
    private RouteTable _table = RouteTable.Empty;
    private string _hit = "";
    private string _deepHit = "";
    private string _miss = "";

    [Params(10, 1_000, 10_000)]
    public int Mounts { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _table = RouteTable.Create(Enumerable.Range(0, Mounts).Select(i => new MountState(
            new MountEntry
            {
                Table = BackendType.Secret,
                Path = $"tenant-{i}/kv/",
                PluginName = "kv",
                Uuid = Guid.NewGuid().ToString(),
                Accessor = $"kv_{i:x8}",
            },
            (_, _) => throw new InvalidOperationException("routing benchmarks never start backends"),
            TimeProvider.System)));
        _hit = $"tenant-{Mounts / 2}/kv/app/db-password";
        _deepHit = $"tenant-{Mounts / 2}/kv/a/b/c/d/e/f/g/h";
        _miss = "nobody/mounted/this";
    }

    [Benchmark(Baseline = true)]
    public bool Hit() => _table.TryMatch(_hit, out _);

    [Benchmark]
    public bool HitEightSegmentsDeep() => _table.TryMatch(_deepHit, out _);

    [Benchmark]
    public bool Miss() => _table.TryMatch(_miss, out _);
}
