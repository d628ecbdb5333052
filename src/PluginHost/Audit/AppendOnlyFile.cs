using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace PluginHost.Audit;

/// <summary>
/// Opens a file with <c>O_APPEND</c> and writes to it with <c>write(2)</c>, as Vault's file sink does: the kernel puts
/// every write at the file's current end, so appending stays right after <c>copytruncate</c> rotation and beside other
/// appenders, with one system call per entry. .NET's <see cref="FileMode.Append"/> only seeks to the end once.
/// </summary>
/// <remarks>Linux and macOS only; elsewhere <see cref="TryOpen"/> answers null and the caller falls back to .NET's file API.</remarks>
internal static class AppendOnlyFile
{
    private const int Interrupted = 4; // EINTR on Linux and macOS.

    private static volatile bool s_unavailable = !(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS());

    // O_WRONLY | O_APPEND | O_CLOEXEC: the values differ between the two kernels.
    private static int Flags => OperatingSystem.IsLinux() ? 0x1 | 0x400 | 0x80000 : 0x1 | 0x8 | 0x1000000;

    /// <summary>Opens an existing file for appending.</summary>
    /// <param name="path">The file; the caller created it with its mode.</param>
    /// <returns>The handle, or null when the platform cannot do it this way.</returns>
    /// <exception cref="IOException">The file cannot be opened; the message is the OS reason.</exception>
    public static SafeFileHandle? TryOpen(string path)
    {
        if (s_unavailable)
        {
            return null;
        }

        try
        {
            // Two arguments only: open(2) is variadic, and no mode is needed for a file that exists.
            var fd = Open(Encoding.UTF8.GetBytes(path + "\0"), Flags);
            return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw Failure(path);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
            return null;
        }
    }

    /// <summary>Writes all of <paramref name="data"/> at the file's end.</summary>
    /// <param name="file">A handle from <see cref="TryOpen"/>.</param>
    /// <param name="data">The bytes.</param>
    /// <param name="path">The file, for the error message.</param>
    /// <exception cref="IOException">The write failed; the message is the OS reason (a full disk, a lost NFS handle).</exception>
    public static void Write(SafeFileHandle file, ReadOnlySpan<byte> data, string path)
    {
        while (!data.IsEmpty)
        {
            var written = WriteNative(file, ref MemoryMarshal.GetReference(data), (nuint)data.Length);
            if (written < 0)
            {
                if (Marshal.GetLastPInvokeError() == Interrupted)
                {
                    continue;
                }

                throw Failure(path);
            }

            data = data[(int)written..];
        }
    }

    private static IOException Failure(string path) =>
        new($"{Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}: '{path}'");

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open(byte[] nullTerminatedUtf8Path, int flags);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern nint WriteNative(SafeFileHandle file, ref byte data, nuint count);
}
