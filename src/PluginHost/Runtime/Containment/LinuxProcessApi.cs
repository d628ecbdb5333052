using System.Globalization;
using System.Runtime.InteropServices;

namespace PluginHost.Runtime;

/// <summary>The few Linux calls containment needs that .NET has no API for: prlimit, fcntl, kill, geteuid and statx.</summary>
internal static class LinuxProcessApi
{
    /// <summary>
    /// RLIMIT_DATA: since Linux 4.7, the process's private writable memory (heap, anonymous mappings), not the address
    /// space it merely reserves.
    /// </summary>
    public const int RlimitData = 2;

    /// <summary>RLIMIT_NPROC: processes (threads, in fact) of the process's real user.</summary>
    public const int RlimitNproc = 6;

    /// <summary>RLIMIT_NOFILE: one more than the highest descriptor number the process may open.</summary>
    public const int RlimitNofile = 7;

    public const int SigKill = 9;

    private const int FGetfd = 1;
    private const int FSetfd = 2;
    private const int FdCloexec = 1;

    /// <summary>Sets both the soft and the hard limit of <paramref name="resource"/> for process <paramref name="pid"/>.</summary>
    /// <returns>The errno when it failed, else 0.</returns>
    public static int SetLimit(int pid, int resource, ulong value)
    {
        var limit = new RLimit { Current = value, Maximum = value };
        return PrLimit(pid, resource, in limit, IntPtr.Zero) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Sets FD_CLOEXEC on <paramref name="fd"/>; returns whether it was missing (the descriptor would have been inherited).</summary>
    public static bool SetCloseOnExec(int fd)
    {
        var flags = Fcntl(fd, FGetfd, 0);
        if (flags < 0 || (flags & FdCloexec) != 0)
        {
            return false;
        }

        return Fcntl(fd, FSetfd, flags | FdCloexec) == 0;
    }

    /// <summary>Sends SIGKILL to <paramref name="pid"/>; a process that is already gone is not an error.</summary>
    public static void KillNow(int pid) => _ = Kill(pid, SigKill);

    /// <summary>
    /// The start time of <paramref name="pid"/> in clock ticks since boot (field 22 of /proc/PID/stat), which together
    /// with the pid names one process for good: a reused pid has a later start time. Null when the process is gone.
    /// </summary>
    public static long? StartTimeOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");

            // The command name (field 2) is in parentheses and may itself hold spaces and parentheses: count from the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[19], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The parent pid of <paramref name="pid"/> (field 4 of /proc/PID/stat), or null when the process is gone.</summary>
    public static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The effective user id of this process.</summary>
    public static uint EffectiveUserId() => GetEuid();

    /// <summary>The owner, file type and permission bits of <paramref name="path"/> itself (a symbolic link is described, not followed), or null when it cannot be examined.</summary>
    public static (uint Owner, uint Mode)? OwnerAndModeOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Statx(AtCurrentDirectory, System.Text.Encoding.UTF8.GetBytes(path + "\0"), AtSymlinkNoFollow, StatxTypeModeUid, out var status) == 0
            ? (status.Uid, status.Mode)
            : null;
    }

    /// <summary>Every pid in /proc.</summary>
    public static IEnumerable<int> AllPids()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                yield return pid;
            }
        }
    }

    private const int AtCurrentDirectory = -100; // AT_FDCWD
    private const int AtSymlinkNoFollow = 0x100; // AT_SYMLINK_NOFOLLOW
    private const uint StatxTypeModeUid = 0x1 | 0x2 | 0x8; // STATX_TYPE | STATX_MODE | STATX_UID

    /// <summary>The start of struct statx, whose layout is the kernel's ABI, the same on every architecture.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(20)]
        public uint Uid;

        [FieldOffset(28)]
        public ushort Mode;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [DllImport("libc", EntryPoint = "prlimit64", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int PrLimit(int pid, int resource, in RLimit newLimit, IntPtr oldLimit);

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Fcntl(int fd, int command, int argument);

    [DllImport("libc", EntryPoint = "geteuid")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint GetEuid();

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Statx(int dirfd, byte[] nullTerminatedUtf8Path, int flags, uint mask, out StatxBuffer buffer);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
