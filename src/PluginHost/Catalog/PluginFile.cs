using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace PluginHost.Catalog;

/// <summary>Opens a plugin binary for reading without ever blocking, and only when it is a regular, non-empty file.</summary>
/// <remarks>
/// <para>
/// Checking a path and then opening it leaves a window: a FIFO swapped in between the check and a blocking open(2)
/// hangs the open (and the request's thread) until someone writes to it. On Linux the file is therefore opened with
/// <c>O_NONBLOCK</c> (opening a FIFO returns at once; for a regular file it changes nothing), <c>O_NOFOLLOW</c> (the
/// path was resolved already: a symlink there now was swapped in) and <c>O_CLOEXEC</c>; its type and size are read
/// from the open descriptor with statx(2); and that same descriptor is what the caller hashes, so what was checked is
/// exactly what is read.
/// </para>
/// <para>
/// Elsewhere (Windows has no FIFOs in the file system; macOS is not a supported host yet) the file is opened the
/// ordinary way and its type taken from its attributes.
/// </para>
/// </remarks>
internal static class PluginFile
{
    private const int ReadOnly = 0;
    private const int NonBlocking = 0x800; // O_NONBLOCK, the same on every Linux architecture .NET runs on.
    private const int CloseOnExec = 0x80000; // O_CLOEXEC, likewise.
    private const int EmptyPath = 0x1000; // AT_EMPTY_PATH: statx describes the descriptor itself.
    private const uint TypeAndSize = 0x1 | 0x200; // STATX_TYPE | STATX_SIZE.
    private const int TooManyLinks = 40; // ELOOP: O_NOFOLLOW met a symlink.

    /// <summary>Opens <paramref name="path"/> for reading after checking, on the open file, that it is a regular, non-empty file.</summary>
    /// <param name="path">The resolved path of the plugin binary.</param>
    /// <param name="what">How messages name the file, such as <c>command 'my-plugin'</c>.</param>
    /// <returns>A handle for reading, positioned nowhere: read it with <see cref="RandomAccess"/>.</returns>
    /// <exception cref="PluginHostException">The file is missing, not a regular file (naming its type), empty, or cannot be opened.</exception>
    public static SafeFileHandle OpenRegular(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        return OperatingSystem.IsLinux() ? OpenOnLinux(path, what) : OpenPortably(path, what);
    }

    private static SafeFileHandle OpenOnLinux(string path, string what)
    {
        var fd = Open(Encoding.UTF8.GetBytes(path + "\0"), ReadOnly | NonBlocking | CloseOnExec | NoFollow());
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno == TooManyLinks
                ? new PluginHostException(ErrorCode.BadRequest, $"{what} became a symbolic link while it was being checked ('{path}'); register it again")
                : new PluginHostException(ErrorCode.BadRequest, $"{what} cannot be opened ('{path}'): {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (Statx(fd, EmptyPathName, EmptyPath, TypeAndSize, out var status) != 0)
            {
                throw new PluginHostException(
                    ErrorCode.BadRequest, $"{what} cannot be examined ('{path}'): {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }

            Check(what, TypeName(status.Mode), (long)status.Size);
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static SafeFileHandle OpenPortably(string path, string what)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"{what} cannot be opened ('{path}'): {e.Message}", e);
        }

        try
        {
            var directory = File.GetAttributes(handle).HasFlag(FileAttributes.Directory);
            Check(what, directory ? "a directory" : null, RandomAccess.GetLength(handle));
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static void Check(string what, string? notRegular, long size)
    {
        if (notRegular is not null)
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"{what} is not a regular file: {notRegular}; give the path of the plugin executable");
        }

        if (size == 0)
        {
            throw new PluginHostException(ErrorCode.BadRequest, $"{what} is an empty file; give the path of the plugin executable");
        }
    }

    // The S_IFMT part of st_mode, which Linux defines the same on every architecture.
    private static string? TypeName(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => null,
        0x1000 => "a FIFO",
        0x2000 => "a character device",
        0x4000 => "a directory",
        0x6000 => "a block device",
        0xA000 => "a symbolic link",
        0xC000 => "a socket",
        _ => $"a file of type 0{mode >> 12:o}",
    };

    // O_NOFOLLOW is the one flag whose value differs between the architectures .NET supports on Linux.
    private static int NoFollow() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x20000,
        Architecture.Arm64 or Architecture.Arm => 0x8000,
        _ => 0,
    };

    private static readonly byte[] EmptyPathName = [0];

    /// <summary>The start of struct statx, whose layout is the kernel's ABI, the same on every architecture.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(28)]
        public ushort Mode;

        [FieldOffset(40)]
        public ulong Size;
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open(byte[] nullTerminatedUtf8Path, int flags);

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Statx(int dirfd, byte[] nullTerminatedUtf8Path, int flags, uint mask, out StatxBuffer buffer);
}
