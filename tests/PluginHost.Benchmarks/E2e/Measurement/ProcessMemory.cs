using System.Globalization;

namespace PluginHost.Benchmarks.E2e.Measurement;

/// <summary>Resident set sizes from <c>/proc/PID/status</c> (Linux).</summary>
internal static class ProcessMemory
{
    /// <summary>VmRSS of <paramref name="pid"/> in KiB.</summary>
    /// <exception cref="InvalidOperationException">The process is gone or has no VmRSS line.</exception>
    public static long VmRssKib(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            // "VmRSS:	   52340 kB"
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var value = line["VmRSS:".Length..].Trim();
                return long.Parse(value[..value.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no VmRSS line");
    }

    /// <summary>The median of <paramref name="samples"/> VmRSS readings of <paramref name="pid"/>, <paramref name="spacing"/> apart, in KiB.</summary>
    public static async Task<double> MedianVmRssKibAsync(int pid, int samples, TimeSpan spacing, CancellationToken cancellationToken)
    {
        var readings = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            if (i > 0)
            {
                await Task.Delay(spacing, cancellationToken);
            }

            readings.Add(VmRssKib(pid));
        }

        return Stats.Median(readings);
    }

    /// <summary>Collects the host's garbage thoroughly, so a heap or RSS reading does not count what is already dead.</summary>
    public static void CollectHostGarbage()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
    }
}
