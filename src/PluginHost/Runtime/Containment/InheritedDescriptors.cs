using System.Globalization;

namespace PluginHost.Runtime;

/// <summary>
/// Marks every descriptor above 2 of the host process close-on-exec, so a plugin starts with its stdin, stdout and
/// stderr only. .NET opens its own descriptors with O_CLOEXEC, but the embedding application, a native library or a
/// parent process may leave one without it (fd 7 on a 0600 secret file), and a plugin would read it through
/// /proc/self/fd/7: Process.Start closes nothing itself.
/// </summary>
internal static class InheritedDescriptors
{
    /// <summary>Sets FD_CLOEXEC on every open descriptor above 2; returns how many lacked it. Linux only (a no-op elsewhere).</summary>
    /// <remarks>
    /// Cheap (one fcntl per open descriptor), so it runs before each launch too: a library loaded later may have opened
    /// one since. A descriptor opened without O_CLOEXEC by another thread between this call and the fork still leaks;
    /// nothing short of closing descriptors in the child (which .NET's fork/exec does not offer) closes that window.
    /// </remarks>
    public static int MarkCloseOnExec()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var marked = 0;
        string[] entries;
        try
        {
            entries = Directory.GetFileSystemEntries("/proc/self/fd");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }

        foreach (var entry in entries)
        {
            // The directory's own descriptor from the listing above is closed by now; fcntl on it just fails.
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var fd) && fd > 2
                && LinuxProcessApi.SetCloseOnExec(fd))
            {
                marked++;
            }
        }

        return marked;
    }
}
