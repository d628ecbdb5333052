namespace PluginHost.Benchmarks.E2e.Plugins;

/// <summary>
/// The per-plugin resource limits the e2e hosts run their plugins under unless <c>--no-limits</c> is given: high enough
/// never to be reached by the mock plugin, so a difference between the two runs is what enforcing them costs
/// (a cgroup's <c>memory.max</c>/<c>pids.max</c>, or RLIMIT_DATA with <c>DOTNET_GCHeapHardLimit</c>, RLIMIT_NPROC and
/// RLIMIT_NOFILE without the controllers).
/// </summary>
internal static class BenchLimits
{
    public const long MemoryBytes = 1L << 30;

    public const int Processes = 4096;

    public const int OpenFiles = 4096;

    /// <summary>Sets the host-wide limits every catalog entry falls back to.</summary>
    public static void Apply(PluginHostOptions options)
    {
        options.PluginMemoryLimit = MemoryBytes;
        options.PluginMaxProcesses = Processes;
        options.PluginMaxOpenFiles = OpenFiles;
    }
}
