using System.Diagnostics;
using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Catalog;
using PluginHost.Mounts;

namespace PluginHost.Benchmarks.E2e.Scenarios;

/// <summary>
/// Library figures measured inside the harness (their BenchmarkDotNet counterparts are in micro mode):
/// <c>route_lookup_10k_ns</c> and <c>sha256_gb_s</c>.
/// </summary>
internal static class InHarnessLibraryFigures
{
    public const int Mounts = 10_000;

    /// <summary>
    /// <c>RouteTable.TryMatch</c> of a 3-segment hit among 10,000 mounts (as <c>RouteLookupBenchmarks.Hit</c>), timed
    /// with a Stopwatch in batches of 100,000 after the budget's warm-up; the median over rounds of the mean per call,
    /// and the bytes allocated per call (measured over all rounds).
    /// </summary>
    public static (double Ns, double AllocatedBytesPerCall) RouteLookup(Budget budget)
    {
        var table = TenantRoutes.Create(Mounts);
        var hit = TenantRoutes.Hit(Mounts);
        const int batch = 100_000;

        var warmupEnd = Stopwatch.GetTimestamp() + (long)(budget.Warmup.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < warmupEnd)
        {
            Batch(table, hit, batch);
        }

        var rounds = new List<double>();
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long calls = 0;
        for (var round = 0; round < budget.Repeats * 3; round++)
        {
            var start = Stopwatch.GetTimestamp();
            Batch(table, hit, batch);
            rounds.Add(Stopwatch.GetElapsedTime(start).TotalNanoseconds / batch);
            calls += batch;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return (Stats.Median(rounds), (double)allocated / calls);
    }

    private static void Batch(RouteTable table, string path, int calls)
    {
        for (var i = 0; i < calls; i++)
        {
            if (!table.TryMatch(path, out _))
            {
                throw new InvalidOperationException("route lookup missed");
            }
        }
    }

    /// <summary>
    /// <c>sha256_gb_s</c>: the library's <c>PluginChecksum.HashAsync</c> (what verifies a plugin binary before it runs)
    /// over a 64 MiB file of random bytes in the workspace, in the page cache; 10⁹ bytes per GB; the median of
    /// <paramref name="runs"/> after 1 untimed.
    /// </summary>
    public static async Task<(double GbPerS, IReadOnlyList<double> Runs)> Sha256Async(string directory, int runs, CancellationToken cancellationToken)
    {
        const int size = 64 * 1024 * 1024;
        var path = Path.Combine(directory, "sha256-64mib.bin");
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        await File.WriteAllBytesAsync(path, bytes, cancellationToken);
        try
        {
            var speeds = new List<double>(runs);
            for (var run = 0; run <= runs; run++)
            {
                var start = Stopwatch.GetTimestamp();
                await PluginChecksum.HashAsync(path, copyTo: null, cancellationToken);
                var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                if (run > 0)
                {
                    speeds.Add(size / seconds / 1e9);
                }
            }

            return (Stats.Median(speeds), speeds);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
