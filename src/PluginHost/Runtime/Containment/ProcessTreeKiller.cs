using System.Globalization;
using System.Text;

namespace PluginHost.Runtime;

/// <summary>
/// Containment without cgroups: kills a plugin's process tree by parent links, and the descendants that detached
/// themselves (setsid and a double fork, reparented to init) by the marker every process of one launch inherits in its
/// environment (the launch's unique socket path). A descendant that replaced its environment (<c>env -i</c>, or an
/// exec with an empty one) carries no marker and escapes this path; cgroups close that gap.
/// </summary>
internal static class ProcessTreeKiller
{
    // Each round kills what it finds; a process forking meanwhile leaves a child the next round finds (by marker or
    // parent). A tree that forks faster than it can be killed outlasts the rounds: only a cgroup stops that.
    private const int Rounds = 8;

    /// <summary>SIGKILLs <paramref name="rootPid"/>, its descendants and every process whose environment holds <paramref name="marker"/>.</summary>
    /// <returns>How many processes were signalled.</returns>
    public static int KillAll(int? rootPid, string marker)
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var signalled = new HashSet<int>();
        var needle = Encoding.UTF8.GetBytes(marker + "\0");
        for (var round = 0; round < Rounds; round++)
        {
            var targets = Find(rootPid, needle);
            targets.ExceptWith(signalled.Where(pid => !IsLive(pid)));
            if (targets.Count == 0)
            {
                break;
            }

            foreach (var pid in targets)
            {
                LinuxProcessApi.KillNow(pid);
                signalled.Add(pid);
            }
        }

        return signalled.Count;
    }

    /// <summary>The live processes whose environment holds <paramref name="marker"/> (for tests and the leftover sweep).</summary>
    public static IReadOnlyList<int> FindMarked(string marker) => [.. Find(null, Encoding.UTF8.GetBytes(marker + "\0"))];

    private static HashSet<int> Find(int? rootPid, byte[] needle)
    {
        var self = Environment.ProcessId;
        var parents = new Dictionary<int, int>();
        var found = new HashSet<int>();
        foreach (var pid in LinuxProcessApi.AllPids())
        {
            if (pid == self || !IsLive(pid))
            {
                continue;
            }

            if (LinuxProcessApi.ParentOf(pid) is { } parent)
            {
                parents[pid] = parent;
            }

            if (EnvironmentHolds(pid, needle))
            {
                found.Add(pid);
            }
        }

        if (rootPid is { } root && root != self)
        {
            if (parents.ContainsKey(root))
            {
                found.Add(root);
            }

            // Descendants by parent links, however deep.
            var added = true;
            var tree = new HashSet<int> { root };
            while (added)
            {
                added = false;
                foreach (var (pid, parent) in parents)
                {
                    if (tree.Contains(parent) && tree.Add(pid))
                    {
                        found.Add(pid);
                        added = true;
                    }
                }
            }
        }

        return found;
    }

    // Zombies are dead already (their parent has yet to reap them): signalling them again is pointless.
    private static bool IsLive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var state = stat[stat.LastIndexOf(')') + 2];
            return state is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    private static bool EnvironmentHolds(int pid, byte[] needle)
    {
        try
        {
            var environment = File.ReadAllBytes($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/environ");
            var at = environment.AsSpan().IndexOf(needle);

            // The marker is a whole variable: at the start of the block or right after another variable's NUL.
            return at == 0 || (at > 0 && environment[at - 1] == 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
