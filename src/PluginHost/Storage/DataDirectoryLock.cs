using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace PluginHost.Storage;

/// <summary>The exclusive, inter-process lock a <see cref="FileStorage"/> holds on its directory's lock file.</summary>
/// <remarks>
/// The lock is a <see cref="FileStream"/> opened with <see cref="FileShare.None"/>: on Unix .NET takes a <c>flock</c>
/// (released by the kernel when the process dies, so a crash leaves no stale lock), on Windows a share-mode lock.
/// Setting <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c> turns the Unix lock off and with it this protection.
/// </remarks>
internal sealed class DataDirectoryLock : IDisposable
{
    // Waiting for another process to exit: a short poll keeps the pick-up quick without spinning.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly FileStream _stream;

    private DataDirectoryLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock, retrying until <paramref name="timeout"/> has passed.</summary>
    /// <exception cref="PluginHostException">Another process still holds the lock (<see cref="ErrorCode.Unavailable"/>).</exception>
    public static DataDirectoryLock Acquire(string root, TimeSpan timeout, ILogger logger)
    {
        var path = Path.Join(root, FileStorageLayout.LockFileName);
        var started = Stopwatch.GetTimestamp();
        var waiting = false;
        while (true)
        {
            IOException failure;
            try
            {
                var stream = new FileStream(path, LockFileOptions());
                WriteHolderPid(stream);
                FileStorageLog.LockAcquired(logger, root);
                return new DataDirectoryLock(stream);
            }
            catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException)
            {
                // A sharing violation (Windows) or a failed flock (Unix): another process has the directory.
                failure = ex;
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                // Not another holder but a directory this process may not write (or a lock file that is a directory).
                throw new PluginHostException(ErrorCode.Unavailable, $"data directory '{root}' cannot be locked: {ex.Message}", ex);
            }

            if (Stopwatch.GetElapsedTime(started) >= timeout)
            {
                var holder = ReadHolderPid(path) is { } pid ? $" (pid {pid})" : string.Empty;
                throw new PluginHostException(
                    ErrorCode.Unavailable,
                    $"data directory '{root}' is in use by another process{holder}; stop the other host or use another data directory",
                    failure);
            }

            if (!waiting)
            {
                waiting = true;
                FileStorageLog.WaitingForLock(logger, root, ReadHolderPid(path)?.ToString(CultureInfo.InvariantCulture) ?? "unknown", timeout.TotalSeconds);
            }

            Thread.Sleep(PollInterval);
        }
    }

    /// <summary>Releases the lock. The file stays: deleting it would let two processes lock different files.</summary>
    public void Dispose() => _stream.Dispose();

    private static FileStreamOptions LockFileOptions()
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // 0600 like every file we write, rather than the umask's default: the directory may be shared.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    private static void WriteHolderPid(FileStream stream)
    {
        try
        {
            // For people and for the next host's error message; the lock itself is the open stream.
            stream.SetLength(0);
            stream.Write(Encoding.UTF8.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
            stream.Flush();
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static int? ReadHolderPid(string path)
    {
        // The holder's lock stops every managed open of the file (a shared flock on Unix, share modes on Windows),
        // so the pid can only be read on Unix, through a plain open(2). Anything unreadable just leaves the pid out.
        try
        {
            using var handle = UnixFileSystem.TryOpenUnlocked(path);
            if (handle is null)
            {
                return null;
            }

            using var stream = new FileStream(handle, FileAccess.Read);
            var buffer = new byte[32];
            var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return int.TryParse(Encoding.UTF8.GetString(buffer, 0, length).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                ? pid
                : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
