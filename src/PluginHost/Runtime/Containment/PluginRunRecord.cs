using System.Globalization;

namespace PluginHost.Runtime;

/// <summary>
/// What a host leaves behind for the next one if it is SIGKILLed (when nothing of it can run): one small file per host
/// (named by its process's pid and start time, and a number for each host in that process) listing the cgroup of each
/// running plugin, or on the fallback path its pid, start time and environment marker. A host sweeps the files of hosts that are gone when it first launches a plugin,
/// killing what they left, and deletes them.
/// </summary>
/// <remarks>
/// Kept in <c>.plugin-runs</c> under the data directory (one host at a time holds it) or, without one, in a shared
/// <c>pluginhost-runs-UID</c> folder of the temporary directory (refused unless it is a directory of this user that
/// no one else may write to), where the per-host file names keep running hosts apart and which is removed whenever
/// it is left empty.
/// </remarks>
internal sealed class PluginRunRecord
{
    private static int s_hosts;

    private readonly Lock _gate = new();
    private readonly HashSet<string> _lines = new(StringComparer.Ordinal);
    private readonly string _file;
    private readonly bool _shared;

    private PluginRunRecord(string directory, bool shared)
    {
        Directory = directory;
        _shared = shared;
        // One file per host, not per process: two hosts in one process must not overwrite each other's lines.
        _file = Path.Join(directory, string.Create(
            CultureInfo.InvariantCulture,
            $"{NameOf(Environment.ProcessId, LinuxProcessApi.StartTimeOf(Environment.ProcessId) ?? 0)}-{Interlocked.Increment(ref s_hosts)}"));
    }

    /// <summary>The folder of the run files.</summary>
    public string Directory { get; }

    /// <summary>Opens (creating it 0700) the run folder for <paramref name="dataDirectory"/>, or the shared one in the temporary directory.</summary>
    public static PluginRunRecord Open(string? dataDirectory)
    {
        var shared = dataDirectory is not { Length: > 0 };
        var directory = shared
            ? Path.Join(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"pluginhost-runs-{LinuxProcessApi.EffectiveUserId()}"))
            : Path.Join(dataDirectory, ".plugin-runs");
        CreateFolder(directory);
        RequirePrivate(directory);
        return new PluginRunRecord(directory, shared);
    }

    // The folder's files say what to kill: one that another user made (or could write to), or a symbolic link to
    // somewhere else, would let that user choose. CreateDirectory accepts whatever already stands at the path.
    private static void RequirePrivate(string directory)
    {
        const uint TypeMask = 0xF000;
        const uint DirectoryType = 0x4000;
        var status = LinuxProcessApi.OwnerAndModeOf(directory);
        var user = LinuxProcessApi.EffectiveUserId();
        if (status is not ({ } owner, { } mode) || (mode & TypeMask) != DirectoryType || owner != user || (mode & 0x3F) != 0)
        {
            var found = status is ({ } o, { } m)
                ? string.Create(CultureInfo.InvariantCulture, $"owner uid {o}, mode {Convert.ToString(m & 0xFFF, 8)}, {((m & TypeMask) == DirectoryType ? "a directory" : "not a directory")}")
                : "it cannot be examined";
            throw new IOException($"'{directory}' is not a private folder of this user (uid {user.ToString(CultureInfo.InvariantCulture)}): {found}; remove it");
        }
    }

    private static void CreateFolder(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>The line recording a plugin cgroup.</summary>
    public static string CgroupLine(string cgroup) => $"cgroup {cgroup}";

    /// <summary>The line recording a plugin process on the fallback path.</summary>
    public static string ProcessLine(int pid, long startTime, string marker) =>
        $"process {pid.ToString(CultureInfo.InvariantCulture)} {startTime.ToString(CultureInfo.InvariantCulture)} {marker}";

    /// <summary>Records a running plugin.</summary>
    public void Add(string line)
    {
        lock (_gate)
        {
            if (_lines.Add(line))
            {
                Save();
            }
        }
    }

    /// <summary>Forgets a plugin that was stopped (and whose processes are gone).</summary>
    public void Remove(string line)
    {
        lock (_gate)
        {
            if (_lines.Remove(line))
            {
                Save();
            }
        }
    }

    /// <summary>Kills what hosts that are gone left behind, and deletes their files.</summary>
    /// <returns>How many cgroups and processes were killed.</returns>
    public int SweepLeftovers()
    {
        var killed = 0;
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory))
        {
            if (file == _file || !TryParseName(Path.GetFileName(file), out var hostPid, out var hostStart)
                || LinuxProcessApi.StartTimeOf(hostPid) == hostStart)
            {
                // Ours, not a run file, or the file of a host that is still running.
                continue;
            }

            string[] lines;
            try
            {
                lines = File.ReadAllLines(file);
            }
            catch (IOException)
            {
                continue;
            }

            foreach (var line in lines)
            {
                killed += KillLeftover(line);
            }

            File.Delete(file);
        }

        return killed;
    }

    private static int KillLeftover(string line)
    {
        // Only what a host writes: a plugin cgroup by its name, a marker of the protocol's socket variable.
        var parts = line.Split(' ', 2);
        if (parts is ["cgroup", var path] && Path.IsPathFullyQualified(path) && Path.GetFileName(path).StartsWith("pluginhost-", StringComparison.Ordinal)
            && File.Exists(Path.Join(path, "cgroup.kill")))
        {
            var cgroup = new PluginCgroup(path, new HashSet<string>());
            var populated = cgroup.IsPopulated();
            cgroup.Kill();
            SpinWait.SpinUntil(() => !cgroup.IsPopulated(), TimeSpan.FromSeconds(2));
            cgroup.Remove();
            return populated ? 1 : 0;
        }

        var fields = line.Split(' ', 4);
        if (fields is ["process", var pidText, var startText, var marker]
            && marker.StartsWith(PluginHost.Protocol.PluginEnvironment.Socket + "=", StringComparison.Ordinal)
            && int.TryParse(pidText, CultureInfo.InvariantCulture, out var pid) && long.TryParse(startText, CultureInfo.InvariantCulture, out var start))
        {
            // Only the very process recorded (a reused pid has a later start time), and whatever carries the launch's marker.
            return ProcessTreeKiller.KillAll(LinuxProcessApi.StartTimeOf(pid) == start ? pid : null, marker);
        }

        return 0;
    }

    private static string NameOf(int pid, long startTime) =>
        $"{pid.ToString(CultureInfo.InvariantCulture)}-{startTime.ToString(CultureInfo.InvariantCulture)}";

    // PID-STARTTIME, then (from hosts that share a process) -N.
    private static bool TryParseName(string name, out int pid, out long startTime)
    {
        startTime = 0;
        pid = 0;
        var parts = name.Split('-');
        return parts.Length is 2 or 3
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out pid)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out startTime)
            && (parts.Length == 2 || int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out _));
    }

    // Rewritten whole (a temp file renamed over it): the file is a few lines, and a reader never sees half of one.
    private void Save()
    {
        try
        {
            if (_lines.Count == 0)
            {
                File.Delete(_file);
                RemoveSharedFolderIfEmpty();
                return;
            }

            // Twice at most: another host may remove the shared folder, found empty, between our create and write.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    // Checked again: once removed (left empty), the shared folder's name is anyone's to take.
                    CreateFolder(Directory);
                    RequirePrivate(Directory);
                    var temporary = _file + ".tmp";
                    File.WriteAllLines(temporary, _lines);
                    File.Move(temporary, _file, overwrite: true);
                    return;
                }
                catch (DirectoryNotFoundException) when (attempt == 1)
                {
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: without the record, only a SIGKILLed host's leftovers go unswept.
        }
    }

    // A host with no data directory leaves nothing in the temporary directory once its plugins are stopped. Only an
    // empty folder is removed (a non-recursive delete fails otherwise), so other hosts' run files are never touched.
    private void RemoveSharedFolderIfEmpty()
    {
        if (!_shared)
        {
            return;
        }

        try
        {
            System.IO.Directory.Delete(Directory);
        }
        catch (IOException)
        {
            // Not empty (another host's plugins are running) or already gone.
        }
    }
}
