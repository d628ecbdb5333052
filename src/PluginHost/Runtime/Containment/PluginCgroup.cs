using System.Globalization;

namespace PluginHost.Runtime;

/// <summary>
/// The cgroup of one plugin launch: the plugin and everything it starts (setsid, double fork and all) are in it from
/// before the plugin's first instruction, so <c>cgroup.kill</c> ends every one of them at once and nothing can slip out
/// (only a process with write access to a cgroup.procs elsewhere could move itself, i.e. root with the cgroup file
/// system writable).
/// </summary>
internal sealed class PluginCgroup(string directory, IReadOnlySet<string> controllers)
{
    /// <summary>The cgroup's directory.</summary>
    public string Directory { get; } = directory;

    /// <summary>Whether memory.max is enforced for this cgroup.</summary>
    public bool LimitsMemory => controllers.Contains("memory");

    /// <summary>Whether pids.max is enforced for this cgroup.</summary>
    public bool LimitsProcesses => controllers.Contains("pids");

    /// <summary>Creates a cgroup at <paramref name="directory"/> and writes the limits its controllers enforce.</summary>
    public static PluginCgroup Create(string directory, IReadOnlySet<string> controllers, PluginResourceLimits limits)
    {
        System.IO.Directory.CreateDirectory(directory);
        var cgroup = new PluginCgroup(directory, controllers);
        try
        {
            if (cgroup.LimitsMemory && limits.MemoryBytes is { } memory)
            {
                cgroup.Write("memory.max", memory.ToString(CultureInfo.InvariantCulture));

                // Without this, a limited plugin would swap instead of being stopped at its limit.
                if (File.Exists(Path.Join(directory, "memory.swap.max")))
                {
                    cgroup.Write("memory.swap.max", "0");
                }
            }

            if (cgroup.LimitsProcesses && limits.Processes is { } processes)
            {
                cgroup.Write("pids.max", processes.ToString(CultureInfo.InvariantCulture));
            }
        }
        catch
        {
            cgroup.Remove();
            throw;
        }

        return cgroup;
    }

    /// <summary>Moves process <paramref name="pid"/> (and the children it will have) into the cgroup.</summary>
    public void Enter(int pid) => Write("cgroup.procs", pid.ToString(CultureInfo.InvariantCulture));

    /// <summary>SIGKILLs every process in the cgroup, at once and atomically against forks.</summary>
    public void Kill()
    {
        try
        {
            Write("cgroup.kill", "1");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Already removed.
        }
    }

    /// <summary>Whether a process is still in the cgroup (cgroup.events says "populated 1").</summary>
    public bool IsPopulated()
    {
        try
        {
            return File.ReadAllLines(Path.Join(Directory, "cgroup.events")).Contains("populated 1");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Whether the kernel killed a process of the cgroup for exceeding memory.max (memory.events oom_kill).</summary>
    public bool WasOomKilled()
    {
        try
        {
            return File.ReadAllLines(Path.Join(Directory, "memory.events"))
                .Any(l => l.StartsWith("oom_kill ", StringComparison.Ordinal) && l != "oom_kill 0");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Removes the (empty) cgroup; returns false while a process is still in it.</summary>
    public bool Remove()
    {
        try
        {
            System.IO.Directory.Delete(Directory);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private void Write(string file, string value) => File.WriteAllText(Path.Join(Directory, file), value);
}
