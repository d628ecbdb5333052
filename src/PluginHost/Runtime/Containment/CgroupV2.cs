using System.Globalization;

namespace PluginHost.Runtime;

/// <summary>
/// The host's own cgroup v2 directory, when it may create child cgroups there: found from /proc/self/mountinfo (the
/// cgroup2 mount, wherever it is: /sys/fs/cgroup on pure v2 hosts, /sys/fs/cgroup/unified on hybrid ones) and the
/// "0::" line of /proc/self/cgroup, and confirmed by creating (and removing) a probe child.
/// </summary>
internal sealed class CgroupV2
{
    private CgroupV2(string directory, IReadOnlySet<string> controllers)
    {
        Directory = directory;
        Controllers = controllers;
    }

    /// <summary>The host's cgroup directory; plugin cgroups are created in it.</summary>
    public string Directory { get; }

    /// <summary>The controllers plugin cgroups get (enabled in the host cgroup's subtree_control): <c>memory</c>, <c>pids</c>, or none.</summary>
    public IReadOnlySet<string> Controllers { get; }

    /// <summary>Finds the host's cgroup and checks that it can hold plugin cgroups; null (with the reason) when it cannot.</summary>
    public static CgroupV2? TryOpen(out string reason)
    {
        if (!OperatingSystem.IsLinux())
        {
            reason = "cgroups exist on Linux only";
            return null;
        }

        try
        {
            var mount = FindMount(File.ReadAllLines("/proc/self/mountinfo"));
            if (mount is null)
            {
                reason = "no cgroup2 file system is mounted";
                return null;
            }

            var own = File.ReadAllLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal));
            if (own is null)
            {
                reason = "the host is in no cgroup v2 (no \"0::\" line in /proc/self/cgroup)";
                return null;
            }

            var directory = Path.Join(mount, own[3..].TrimEnd('/'));
            var probe = Path.Join(directory, $"pluginhost-probe-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}");
            System.IO.Directory.CreateDirectory(probe);
            var canKill = File.Exists(Path.Join(probe, "cgroup.kill"));
            System.IO.Directory.Delete(probe);
            if (!canKill)
            {
                reason = "the kernel has no cgroup.kill (Linux 5.14 or later is needed)";
                return null;
            }

            reason = "";
            return new CgroupV2(directory, EnableControllers(directory));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reason = $"the host cannot create cgroups under its own ({e.Message})";
            return null;
        }
    }

    /// <summary>
    /// Kills and removes the plugin cgroups (<c>pluginhost-PID.STARTTIME-…</c>) of hosts that no longer run: what a
    /// host killed before it could record a launch, or whose run file is gone with its data directory, left behind. A
    /// cgroup whose host still runs (same pid, same start time) is left alone.
    /// </summary>
    /// <returns>How many of them still held processes (killed); empty ones are litter, removed silently.</returns>
    public int SweepOrphans()
    {
        var removed = 0;
        foreach (var directory in System.IO.Directory.EnumerateDirectories(Directory, "pluginhost-*"))
        {
            var parts = Path.GetFileName(directory).Split('-', 3);
            if (parts.Length < 3 || !TryParseHost(parts[1], out var hostPid, out var hostStart)
                || hostPid == Environment.ProcessId || HostRuns(hostPid, hostStart))
            {
                continue;
            }

            var cgroup = new PluginCgroup(directory, new HashSet<string>());
            if (cgroup.IsPopulated())
            {
                cgroup.Kill();
                SpinWait.SpinUntil(() => !cgroup.IsPopulated(), TimeSpan.FromSeconds(2));
                removed++;
            }

            cgroup.Remove();
        }

        return removed;
    }

    /// <summary>The host part of a plugin cgroup's name: <c>PID.STARTTIME</c> (or, as older hosts wrote it, <c>PID</c>).</summary>
    public static string HostPart() => string.Create(
        CultureInfo.InvariantCulture, $"{Environment.ProcessId}.{LinuxProcessApi.StartTimeOf(Environment.ProcessId) ?? 0}");

    private static bool TryParseHost(string text, out int pid, out long? startTime)
    {
        startTime = null;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out pid);
        }

        var parsed = int.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out pid)
            & long.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var start);
        startTime = start;
        return parsed;
    }

    // With its start time, a host whose pid now belongs to another process counts as gone.
    private static bool HostRuns(int pid, long? startTime) =>
        LinuxProcessApi.StartTimeOf(pid) is { } now && (startTime is null || startTime == now);

    /// <summary>The mount point of the cgroup2 file system in mountinfo lines, or null.</summary>
    internal static string? FindMount(IEnumerable<string> mountInfo)
    {
        foreach (var line in mountInfo)
        {
            // "36 35 0:30 / /sys/fs/cgroup rw,… shared:9 - cgroup2 cgroup2 rw,…": the type follows the " - " separator.
            var separator = line.IndexOf(" - ", StringComparison.Ordinal);
            if (separator < 0)
            {
                continue;
            }

            var fields = line[..separator].Split(' ');
            var type = line[(separator + 3)..].Split(' ')[0];
            if (type == "cgroup2" && fields.Length > 4 && fields[3] == "/")
            {
                return fields[4].Replace("\\040", " ", StringComparison.Ordinal);
            }
        }

        return null;
    }

    // The memory and pids controllers, where the host's cgroup has them, are enabled for its children. Writing
    // subtree_control fails (EBUSY) when the host's cgroup is not the root and holds processes itself (cgroup v2's
    // "no internal processes" rule), as under systemd unless the service moved itself into a leaf: then plugin cgroups
    // still contain and kill the plugin's tree, and the limits fall back to rlimits.
    private static HashSet<string> EnableControllers(string directory)
    {
        var enabled = new HashSet<string>(StringComparer.Ordinal);
        string[] available;
        try
        {
            available = File.ReadAllText(Path.Join(directory, "cgroup.controllers")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        catch (IOException)
        {
            return enabled;
        }

        foreach (var controller in (string[])["memory", "pids"])
        {
            if (!available.Contains(controller))
            {
                continue;
            }

            try
            {
                File.AppendAllText(Path.Join(directory, "cgroup.subtree_control"), "+" + controller);
                enabled.Add(controller);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left to rlimits (see above).
            }
        }

        return enabled;
    }
}
