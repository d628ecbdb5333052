using BenchmarkDotNet.Attributes;
using PluginHost.Policies;

namespace PluginHost.Benchmarks.Micro;

/// <summary>
/// One ACL check (<see cref="Acl.AllowsOperation"/>) for a token holding 100 policies × 50 rules, the workload of
/// <c>acl_check_ns_p50</c> (<see cref="AclWorkload"/>: exact paths, prefix globs, <c>+</c> rules and denials).
/// Every check must cost well under a microsecond and allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class AclCheckBenchmarks
{
    private Acl _acl = Acl.Create([]);
    private AclCheck[] _checks = [];

    [GlobalSetup]
    public void Setup()
    {
        _acl = AclWorkload.Create();
        _checks = [.. AclWorkload.Checks];
    }

    [Benchmark(Baseline = true)]
    public bool AllowedExact() => Check(0);

    [Benchmark]
    public bool AllowedViaPrefix() => Check(1);

    [Benchmark]
    public bool AllowedViaPlus() => Check(2);

    [Benchmark]
    public bool Denied() => Check(3);

    [Benchmark]
    public bool NoMatch() => Check(4);

    [Benchmark]
    public Capabilities CapabilitiesOfPrefixPath() => _acl.CapabilitiesOf(_checks[1].Path);

    private bool Check(int index)
    {
        var check = _checks[index];
        return _acl.AllowsOperation(check.Path, check.Operation, isRootPath: false);
    }
}
