using System.Globalization;

namespace PluginHost.Runtime;

/// <summary>
/// What a host leaves behind for the next one if it is SIGKILLed (when nothing of it can run): one small file per host
/// process (named by its pid and start time) listing the cgroup of each running plugin, or on the fallback path its pid,
/// start time and environment marker. A host sweeps the files of hosts that are gone when it first launches a plugin,
/// killing what they left, and deletes them.
/// </summary>
/// <remarks>
/// Kept in <c>.plugin-runs</c> under the data directory (one host at a time holds it) or, without one, in a shared
/// <c>pluginhost-runs</c> folder of the temporary directory, where the per-host file names keep running hosts apart
/// and which is removed whenever it is left empty.
/// </remarks>
internal sealed class PluginRunRecord
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _lines = new(StringComparer.Ordinal);
    private readonly string _file;
    private readonly bool _shared;

    private PluginRunRecord(string directory, bool shared)
    {
        Directory = directory;
        _shared = shared;
        _file = Path.Join(directory, NameOf(Environment.ProcessId, LinuxProcessApi.StartTimeOf(Environment.ProcessId) ?? 0));
    }

    /// <summary>The folder of the run files.</summary>
    public string Directory { get; }

    /// <summary>Opens (creating it 0700) the run folder for <paramref name="dataDirectory"/>, or the shared one in the temporary directory.</summary>
    public static PluginRunRecord Open(string? dataDirectory)
    {
        var shared = dataDirectory is not { Length: > 0 };
        var directory = shared
            ? Path.Join(Path.GetTempPath(), "pluginhost-runs")
            : Path.Join(dataDirectory, ".plugin-runs");
        CreateFolder(directory);
        return new PluginRunRecord(directory, shared);
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
        var parts = line.Split(' ', 2);
        if (parts is ["cgroup", var path] && System.IO.Directory.Exists(path))
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
            && int.TryParse(pidText, CultureInfo.InvariantCulture, out var pid) && long.TryParse(startText, CultureInfo.InvariantCulture, out var start))
        {
            // Only the very process recorded (a reused pid has a later start time), and whatever carries the launch's marker.
            return ProcessTreeKiller.KillAll(LinuxProcessApi.StartTimeOf(pid) == start ? pid : null, marker);
        }

        return 0;
    }

    private static string NameOf(int pid, long startTime) =>
        $"{pid.ToString(CultureInfo.InvariantCulture)}-{startTime.ToString(CultureInfo.InvariantCulture)}";

    private static bool TryParseName(string name, out int pid, out long startTime)
    {
        startTime = 0;
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        pid = 0;
        return dash > 0
            && int.TryParse(name.AsSpan(0, dash), CultureInfo.InvariantCulture, out pid)
            && long.TryParse(name.AsSpan(dash + 1), CultureInfo.InvariantCulture, out startTime);
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
                    CreateFolder(Directory);
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
