using System.Diagnostics;
using PluginHost.Benchmarks.E2e.Measurement;

namespace PluginHost.Benchmarks.E2e.Floors;

/// <summary>
/// Floor <c>plugin_exec_to_exit_ms_p50</c>, the child-process floor of the cold start: run the published plugin binary
/// without the protocol's magic cookie, so it starts the .NET runtime, enters Main, refuses ("This binary is a
/// plugin…") and exits. No socket, no hash, no JSON-RPC.
/// </summary>
internal static class PluginExecToExit
{
    public static async Task<double> MeasureMsAsync(string binary, int runs, CancellationToken cancellationToken)
    {
        var times = new List<double>(runs);

        // One untimed run first: the page cache, not the runtime, would dominate it.
        for (var run = 0; run <= runs; run++)
        {
            var start = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };

            // The environment a host gives a plugin (PATH, DOTNET_ROOT, HOME, TMPDIR), minus the protocol's variables.
            start.Environment.Clear();
            foreach (var name in new[] { "PATH", "DOTNET_ROOT", "HOME", "TMPDIR" })
            {
                if (Environment.GetEnvironmentVariable(name) is { } value)
                {
                    start.Environment[name] = value;
                }
            }

            var began = Stopwatch.GetTimestamp();
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(began).TotalMilliseconds;
            if (process.ExitCode != 1 || !(await stderr).Contains("This binary is a plugin", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{binary} run by hand exited with {process.ExitCode}, not with its refusal");
            }

            if (run > 0)
            {
                times.Add(elapsed);
            }
        }

        return Stats.Median(times);
    }
}
