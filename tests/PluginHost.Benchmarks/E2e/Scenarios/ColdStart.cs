using System.Diagnostics;
using PluginHost.Benchmarks.E2e.Measurement;
using PluginHost.Benchmarks.E2e.Plugins;
using PluginHost.Hosting;

namespace PluginHost.Benchmarks.E2e.Scenarios;

/// <summary>
/// <c>cold_start_ms_p50</c>: from a registered catalog entry to the first answer from a new plugin process.
/// Each sample enables a new mount of the entry while no process of it runs (so the pool launches one: re-hash and
/// private copy of the binary, exec, .NET runtime start, connect, hello, setup), then reads from it; the mount is then
/// disabled, which stops the process, and the next sample waits until it is gone. One untimed sample comes first so the
/// host's own code is not measured cold.
/// </summary>
internal sealed class ColdStart
{
    /// <summary>Enable (launch + setup) until it returns, median, in ms.</summary>
    public required double MountMsP50 { get; init; }

    /// <summary>Enable plus the first read answered, median, in ms.</summary>
    public required double FirstAnswerMsP50 { get; init; }

    public required IReadOnlyList<double> FirstAnswerMs { get; init; }

    public static async Task<ColdStart> MeasureAsync(Workspace workspace, MockPluginBinary plugin, int samples, CancellationToken cancellationToken)
    {
        await using var bench = BenchHost.Create(workspace);
        var host = bench.Host;
        await bench.RegisterMockAsync(plugin, cancellationToken);
        var mounts = new List<double>(samples);
        var answers = new List<double>(samples);
        var seen = new HashSet<int>();
        for (var sample = 0; sample <= samples; sample++)
        {
            if (!await workspace.WaitForNoPluginProcessAsync(TimeSpan.FromSeconds(10), cancellationToken))
            {
                throw new InvalidOperationException("a plugin process outlived its last mount");
            }

            var path = $"cold-{sample}";
            var start = Stopwatch.GetTimestamp();
            await host.Mounts.EnableAsync(BenchHost.MockAt(plugin, path), cancellationToken);
            var mounted = Stopwatch.GetTimestamp();

            // Nothing is stored under the new mount: the answer is empty, but it took both round trips.
            await host.ReadAsync($"{path}/kv/foo", cancellationToken);
            var answered = Stopwatch.GetTimestamp();

            var pid = workspace.PluginProcesses().Single();
            if (!seen.Add(pid))
            {
                throw new InvalidOperationException($"sample {sample} reused plugin process {pid}");
            }

            if (sample > 0)
            {
                mounts.Add(Stopwatch.GetElapsedTime(start, mounted).TotalMilliseconds);
                answers.Add(Stopwatch.GetElapsedTime(start, answered).TotalMilliseconds);
            }

            await host.Mounts.DisableAsync(BackendType.Secret, path, cancellationToken);
        }

        return new ColdStart { MountMsP50 = Stats.Median(mounts), FirstAnswerMsP50 = Stats.Median(answers), FirstAnswerMs = answers };
    }
}
