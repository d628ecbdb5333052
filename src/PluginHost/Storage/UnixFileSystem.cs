using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace PluginHost.Storage;

/// <summary>The few POSIX calls .NET does not expose: fsync of a directory and opening a file without taking a lock.</summary>
/// <remarks>
/// .NET refuses to open a directory as a file, so a rename cannot be made durable with managed code alone. On Windows
/// there is no equivalent (NTFS journals its metadata), and every call here reports "not done".
/// </remarks>
internal static class UnixFileSystem
{
    private const int ReadOnly = 0; // O_RDONLY on Linux and macOS.

    private static volatile bool s_unavailable = OperatingSystem.IsWindows();

    /// <summary>Flushes a directory's entries (new, renamed or deleted names) to disk.</summary>
    /// <returns><see langword="false"/> when the platform cannot do it.</returns>
    public static bool TrySyncDirectory(string path)
    {
        if (s_unavailable)
        {
            return false;
        }

        try
        {
            var fd = Open(path, ReadOnly);
            if (fd < 0)
            {
                return false;
            }

            try
            {
                return FSync(fd) == 0;
            }
            finally
            {
                _ = Close(fd);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
            return false;
        }
    }

    /// <summary>
    /// Opens a file for reading without the advisory <c>flock</c> .NET takes on every open on Unix, so a file locked
    /// by another <see cref="FileStream"/> (the data directory's lock) can still be read.
    /// </summary>
    /// <returns>The handle, or <see langword="null"/> when the file cannot be opened this way.</returns>
    public static SafeFileHandle? TryOpenUnlocked(string path)
    {
        if (s_unavailable)
        {
            return null;
        }

        try
        {
            var fd = Open(path, ReadOnly);
            return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
            return null;
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open(byte[] nullTerminatedUtf8Path, int flags);

    private static int Open(string path, int flags) => Open(Encoding.UTF8.GetBytes(path + "\0"), flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int FSync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int fd);
}
