using System.Globalization;

namespace PluginHost.Runtime;

/// <summary>
/// Holds one plugin launch: its cgroup (when the host can make one) or its process tree and environment marker, and
/// the resource limits it runs under. The plugin's pid is put in it (and its rlimits set) while the launch shim waits,
/// before the plugin's code runs; <see cref="KillAll"/> ends the plugin and everything it started.
/// </summary>
internal sealed class PluginJail
{
    private readonly PluginCgroup? _cgroup;
    private readonly PluginRunRecord? _record;
    private readonly Lock _gate = new();
    private string? _recorded;
    private int? _pid;
    private long? _pidStartTime;
    private bool _released;

    // Read before the cgroup is removed (its memory.events goes with it), for DescribeLimitBreach afterwards.
    private bool _oomKilled;

    public PluginJail(string pluginName, string marker, PluginResourceLimits limits, PluginCgroup? cgroup, PluginRunRecord? record)
    {
        PluginName = pluginName;
        Marker = marker;
        Limits = limits;
        _cgroup = cgroup;
        _record = record;
    }

    public string PluginName { get; }

    /// <summary>The variable (NAME=value) every process of this launch inherits.</summary>
    public string Marker { get; }

    public PluginResourceLimits Limits { get; }

    /// <summary>The plugin's cgroup directory, or null on the fallback path.</summary>
    public string? Cgroup => _cgroup?.Directory;

    /// <summary>
    /// Whether the memory limit is an rlimit (no memory controller for the plugin's cgroup): RLIMIT_DATA, not RLIMIT_AS,
    /// because .NET reserves gigabytes of address space it never uses (measured: an idle plugin has a VmSize of 50 GiB,
    /// and does not start under an RLIMIT_AS of 1 GiB), while RLIMIT_DATA counts the private memory it writes.
    /// </summary>
    public bool MemoryByRlimit => Limits.MemoryBytes is not null && _cgroup?.LimitsMemory != true;

    /// <summary>Whether the process limit is an RLIMIT_NPROC (no pids controller for the plugin's cgroup).</summary>
    public bool ProcessesByRlimit => Limits.Processes is not null && _cgroup?.LimitsProcesses != true;

    /// <summary>
    /// Puts the waiting launch shim <paramref name="pid"/> into the plugin's cgroup and sets the limits no controller
    /// enforces as its rlimits; the plugin, exec'd by the shim, inherits both. Records the launch for a later host's sweep.
    /// </summary>
    /// <exception cref="IOException">The cgroup refused the process.</exception>
    /// <exception cref="InvalidOperationException">An rlimit could not be set.</exception>
    public void Enter(int pid)
    {
        _pid = pid;
        _pidStartTime = OperatingSystem.IsLinux() ? LinuxProcessApi.StartTimeOf(pid) : null;
        if (_cgroup is { } cgroup)
        {
            cgroup.Enter(pid);
            Record(PluginRunRecord.CgroupLine(cgroup.Directory));
        }
        else if (_pidStartTime is { } start)
        {
            Record(PluginRunRecord.ProcessLine(pid, start, Marker));
        }

        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        if (MemoryByRlimit)
        {
            SetLimit(pid, LinuxProcessApi.RlimitData, (ulong)Limits.MemoryBytes!.Value, "memory_limit (RLIMIT_DATA)");
        }

        if (ProcessesByRlimit)
        {
            SetLimit(pid, LinuxProcessApi.RlimitNproc, (ulong)Limits.Processes!.Value, "max_processes (RLIMIT_NPROC)");
        }

        if (Limits.OpenFiles is { } files)
        {
            SetLimit(pid, LinuxProcessApi.RlimitNofile, (ulong)files, "max_open_files (RLIMIT_NOFILE)");
        }
    }

    /// <summary>SIGKILLs the plugin and every process it started (the whole cgroup, or its tree and marked descendants).</summary>
    public void KillAll()
    {
        if (_cgroup is { } cgroup)
        {
            cgroup.Kill();
        }
        else
        {
            ProcessTreeKiller.KillAll(StillOurs(), Marker);
        }
    }

    // The plugin's pid while it is still the plugin's: once the process is reaped the pid may be another process's,
    // whose tree must not be killed (the marker still finds whatever the plugin started).
    private int? StillOurs() =>
        _pid is { } pid && _pidStartTime is { } start && LinuxProcessApi.StartTimeOf(pid) == start ? pid : null;

    /// <summary>Whether a process of this launch may still run (the cgroup is populated; on the fallback path, a marked process lives).</summary>
    public bool AnyAlive() => _cgroup is { } cgroup ? cgroup.IsPopulated() : OperatingSystem.IsLinux() && ProcessTreeKiller.FindMarked(Marker).Count > 0;

    /// <summary>
    /// Kills what is left of the launch, waits (up to <paramref name="within"/>) until it is gone, removes the cgroup
    /// and forgets the launch. Idempotent.
    /// </summary>
    public async Task ReleaseAsync(TimeSpan within)
    {
        lock (_gate)
        {
            if (_released)
            {
                return;
            }

            _released = true;
        }

        KillAll();
        var deadline = DateTime.UtcNow + within;
        while (AnyAlive() && DateTime.UtcNow < deadline)
        {
            // A killed process is gone within milliseconds; a forking one is signalled again each time round.
            await Task.Delay(20).ConfigureAwait(false);
            KillAll();
        }

        _oomKilled = _cgroup is { LimitsMemory: true } limited && limited.WasOomKilled();
        if ((_cgroup?.Remove() ?? true) && _recorded is { } line)
        {
            _record?.Remove(line);
        }
    }

    /// <summary>
    /// Why the plugin died, when a limit is the cause: the cgroup's oom_kill count says so for certain; under RLIMIT_DATA a
    /// .NET plugin fails an allocation (an OutOfMemoryException on its stderr, or "Cannot allocate memory"), which says so
    /// too; a native plugin just
    /// dies of a signal (SIGSEGV or SIGABRT from a failed malloc, SIGKILL), which is only probably the limit.
    /// </summary>
    public string? DescribeLimitBreach(int? exitCode, string stderrTail)
    {
        if (Limits.MemoryBytes is not { } memory)
        {
            return null;
        }

        var limit = PluginResourceLimits.FormatBytes(memory);
        if (_cgroup is { LimitsMemory: true } cgroup && (_oomKilled || cgroup.WasOomKilled()))
        {
            return $"plugin '{PluginName}' exceeded its memory limit of {limit} (the kernel killed it: memory.events oom_kill)";
        }

        // A .NET plugin sizes its GC heap from memory.max or DOTNET_GCHeapHardLimit, so on either path it usually fails an
        // allocation and says so before the kernel has to step in.
        if (stderrTail.Contains("OutOfMemory", StringComparison.Ordinal) || stderrTail.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
            || stderrTail.Contains("Cannot allocate memory", StringComparison.Ordinal))
        {
            return $"plugin '{PluginName}' exceeded its memory limit of {limit} (an allocation failed under {(MemoryByRlimit ? "RLIMIT_DATA" : "its cgroup's memory.max")})";
        }

        if (!MemoryByRlimit)
        {
            return null;
        }

        // 128 + signal: SIGABRT 6, SIGKILL 9, SIGSEGV 11, SIGBUS 7.
        return exitCode is 134 or 135 or 137 or 139
            ? $"plugin '{PluginName}' probably exceeded its memory limit of {limit} (it died of signal {(exitCode - 128)!.Value.ToString(CultureInfo.InvariantCulture)} under RLIMIT_DATA)"
            : null;
    }

    private void Record(string line)
    {
        _recorded = line;
        _record?.Add(line);
    }

    private static void SetLimit(int pid, int resource, ulong value, string what)
    {
        const int NotPermitted = 1; // EPERM
        var error = LinuxProcessApi.SetLimit(pid, resource, value);
        if (error == NotPermitted)
        {
            throw new InvalidOperationException(
                $"could not set {what} to {value.ToString(CultureInfo.InvariantCulture)}: it is above the host process's own hard limit, which only a privileged host may raise; lower the plugin's limit or raise the host's (ulimit -H)");
        }

        if (error != 0)
        {
            throw new InvalidOperationException($"could not set {what} to {value.ToString(CultureInfo.InvariantCulture)} (errno {error.ToString(CultureInfo.InvariantCulture)})");
        }
    }
}
