using System.Diagnostics;
using System.Globalization;

namespace PluginHost.AdversarialPlugin;

/// <summary>What a plugin does to outlive, out-grow or spy on its host: detached grandchildren, memory, files, descriptors.</summary>
internal static class Containment
{
    private static readonly List<byte[]> Hoard = [];
    private static readonly List<FileStream> Open = [];

    /// <summary>
    /// Double-forks a grandchild into its own session (<c>setsid</c> in a background job of a shell that then exits),
    /// so it is reparented away from the plugin and Process.Kill(entireProcessTree) cannot find it. With
    /// <paramref name="holdOutput"/> it keeps the plugin's stdout and stderr open; else they go to /dev/null.
    /// Returns the grandchild's pid.
    /// </summary>
    public static int DetachGrandchild(bool holdOutput)
    {
        // The shell's own stdout is the pipe $! is read from; the plugin's stdout is reached through /proc (its stderr is inherited).
        var redirect = holdOutput ? $" </dev/null >/proc/{Environment.ProcessId}/fd/1" : " </dev/null >/dev/null 2>&1";

        // A background job of a non-interactive shell is no group leader, so setsid does not fork: $! is the sleep's pid.
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"setsid sh -c 'exec sleep 600'{redirect} & echo $!");
        using var shell = Process.Start(start)!;
        var pid = int.Parse(shell.StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);
        shell.WaitForExit();
        Stderr.Line($"detached grandchild {pid}");
        return pid;
    }

    /// <summary>
    /// Allocates and touches 16 MiB at a time, keeping it all, on a thread of its own: the OutOfMemoryException a limit
    /// brings is unhandled there and ends the process, as in a plugin whose memory grows without bound.
    /// </summary>
    public static void StartAllocating() => new Thread(AllocateForever) { IsBackground = true }.Start();

    private static void AllocateForever()
    {
        Stderr.Line("allocating until stopped, on purpose");
        while (true)
        {
            var chunk = new byte[16 << 20];
            for (var i = 0; i < chunk.Length; i += 4096)
            {
                chunk[i] = 1;
            }

            Hoard.Add(chunk);
        }
    }

    /// <summary>Opens /dev/null <paramref name="count"/> times (keeping them open); returns how many opened and the first error.</summary>
    public static (int Opened, string? Error) OpenFiles(int count)
    {
        var opened = 0;
        try
        {
            for (; opened < count; opened++)
            {
                Open.Add(new FileStream("/dev/null", FileMode.Open, FileAccess.Read));
            }

            return (opened, null);
        }
        catch (IOException error)
        {
            return (opened, error.Message);
        }
    }

    /// <summary>Starts up to <paramref name="count"/> <c>sleep</c> processes; returns how many started and the first error. They die with the plugin.</summary>
    public static (int Started, string? Error) SpawnProcesses(int count)
    {
        var started = 0;
        try
        {
            for (; started < count; started++)
            {
                var start = new ProcessStartInfo("sleep") { UseShellExecute = false };
                start.ArgumentList.Add("600");
                Process.Start(start)!.Dispose();
            }

            return (started, null);
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            return (started, error.Message);
        }
    }

    /// <summary>Closes what <see cref="OpenFiles"/> opened.</summary>
    public static void CloseFiles()
    {
        foreach (var file in Open)
        {
            file.Dispose();
        }

        Open.Clear();
    }

    /// <summary>The open descriptors as "N -> target", read from /proc/self/fd.</summary>
    public static string[] Descriptors() =>
        Directory.GetFileSystemEntries("/proc/self/fd")
            .Select(path => (fd: int.Parse(Path.GetFileName(path), CultureInfo.InvariantCulture), target: Target(path)))
            .Where(d => d.target is not null)
            .OrderBy(d => d.fd)
            .Select(d => $"{d.fd} -> {d.target}")
            .ToArray();

    private static string? Target(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            // The descriptor of the listing itself, closed by now.
            return null;
        }
    }
}
