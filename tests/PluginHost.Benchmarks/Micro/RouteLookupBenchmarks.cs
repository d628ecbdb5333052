using System.Collections.Frozen;
using BenchmarkDotNet.Attributes;
using PluginHost.Mounts;

namespace PluginHost.Benchmarks.Micro;

/// <summary>
/// Longest-prefix lookup of a request path among N mounts: the router's cost on every request. The baseline is the
/// floor in the same run: one probe of a frozen dictionary holding the same N keys, the least any hashed lookup costs.
/// </summary>
[MemoryDiagnoser]
public class RouteLookupBenchmarks
{
    private RouteTable _table = RouteTable.Empty;
    private string _hit = "";
    private string _deepHit = "";
    private string _miss = "";
    private FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _floor;
    private string _floorKey = "";

    [Params(10, 1_000, 10_000)]
    public int Mounts { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _table = TenantRoutes.Create(Mounts);
        _floor = Enumerable.Range(0, Mounts).ToFrozenDictionary(i => $"tenant-{i}/kv", i => i, StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();
        _floorKey = $"tenant-{Mounts / 2}/kv";
        _hit = TenantRoutes.Hit(Mounts);
        _deepHit = $"tenant-{Mounts / 2}/kv/a/b/c/d/e/f/g/h";
        _miss = "nobody/mounted/this";
    }

    [Benchmark(Baseline = true)]
    public bool SingleProbeFloor() => _floor.TryGetValue(_floorKey, out _);

    [Benchmark]
    public bool Hit() => _table.TryMatch(_hit, out _);

    [Benchmark]
    public bool HitEightSegmentsDeep() => _table.TryMatch(_deepHit, out _);

    [Benchmark]
    public bool Miss() => _table.TryMatch(_miss, out _);
}
