using System.Diagnostics;
using PluginHost.Benchmarks.E2e.Plugins;

namespace PluginHost.Benchmarks.Soak;

/// <summary>SIGKILLs the plugin every <c>--kill-every</c> requests, but never sooner than <c>--min-kill-interval</c> after the last kill.</summary>
internal sealed class PluginKiller(Workspace workspace, SoakLedger ledger, SoakOptions options)
{
    private readonly Lock _gate = new();
    private int _lastKillRequest;
    private long _lastKillAt = Stopwatch.GetTimestamp();

    public void MaybeKill(int request)
    {
        lock (_gate)
        {
            if (request - _lastKillRequest < options.KillEvery || Stopwatch.GetElapsedTime(_lastKillAt) < options.MinKillInterval)
            {
                return;
            }

            var pids = workspace.PluginProcesses();
            if (pids.Count == 0)
            {
                // Still down from the last kill: this one waits for a running plugin.
                return;
            }

            foreach (var pid in pids)
            {
                try
                {
                    // Process.Kill is SIGKILL on Unix.
                    using var process = Process.GetProcessById(pid);
                    process.Kill();
                }
                catch (ArgumentException)
                {
                    // Exited meanwhile.
                }
            }

            if (options.Log)
            {
                Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss.fff} soak: SIGKILLed pid {string.Join(", ", pids)}");
            }

            _lastKillRequest = request;
            _lastKillAt = Stopwatch.GetTimestamp();
            ledger.Killed(_lastKillAt);
        }
    }
}
