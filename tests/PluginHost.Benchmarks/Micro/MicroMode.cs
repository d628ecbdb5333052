using BenchmarkDotNet.Running;

namespace PluginHost.Benchmarks.Micro;

/// <summary>The BenchmarkDotNet switcher over this assembly's <c>[Benchmark]</c> classes.</summary>
internal static class MicroMode
{
    public static int Run(string[] args)
    {
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroMode).Assembly).Run(args).ToArray();
        return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }
}
