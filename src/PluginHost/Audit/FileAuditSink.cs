using Microsoft.Win32.SafeHandles;

namespace PluginHost.Audit;

/// <summary>
/// Appends entries to a log file, as Vault's file sink: the file (and a missing directory) is created, its mode set,
/// the file is opened append-only and each entry is one unbuffered write, and a failed write reopens the file once and
/// retries.
/// </summary>
/// <remarks>
/// On Linux and macOS the file is opened with <c>O_APPEND</c> (<see cref="AppendOnlyFile"/>), so <c>copytruncate</c>
/// rotation needs nothing; after rename rotation the old file is written until <see cref="Reopen"/> (Vault's SIGHUP).
/// Elsewhere each entry is written at the length read just before. Not thread-safe: the owning device serializes calls.
/// </remarks>
internal sealed class FileAuditSink(string path, UnixFileMode? mode) : IAuditSink
{
    // A missing directory is created for the owner only: Vault uses the file mode, which leaves a 0600 directory untraversable.
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode DefaultCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private SafeFileHandle? _appendOnly;
    private FileStream? _fallback;

    public void Open()
    {
        if (_appendOnly is not null || _fallback is not null)
        {
            return;
        }

        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, DirectoryMode);
            }
        }

        // .NET creates the file with its mode (it knows each platform's open(2)); the append-only handle is opened after.
        var file = CreateOrOpen();
        SafeFileHandle? appendOnly;
        try
        {
            appendOnly = AppendOnlyFile.TryOpen(path);
        }
        catch
        {
            file.Dispose();
            throw;
        }

        if (appendOnly is null)
        {
            _fallback = file;
            return;
        }

        file.Dispose();
        _appendOnly = appendOnly;
    }

    public void Write(ReadOnlyMemory<byte> entry)
    {
        Open();
        try
        {
            Append(entry.Span);
        }
        catch (IOException)
        {
            // As Vault: one retry on a fresh handle (a file replaced under us, a stale NFS handle). A second failure is final.
            Close();
            Open();
            Append(entry.Span);
        }
    }

    public void Reopen()
    {
        Close();
        Open();
    }

    public void Dispose() => Close();

    private static bool IsDevice(string path) => path.StartsWith("/dev/", StringComparison.Ordinal);

    private FileStream CreateOrOpen()
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,

            // Readers may tail the log and rotation tools may rename or delete it while it is open.
            Share = FileShare.ReadWrite | FileShare.Delete,

            // No buffer: every entry reaches the OS when Write returns.
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode ?? DefaultCreateMode;
        }

        var file = new FileStream(path, options);
        try
        {
            // An existing file gets the mode too (the create mode is also cut by the umask). Not a device: /dev/null or
            // /dev/full are shared with everything else on the machine (Vault special-cases /dev/null).
            if (mode is { } wanted && !IsDevice(path) && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file.SafeFileHandle, wanted);
            }
        }
        catch
        {
            file.Dispose();
            throw;
        }

        return file;
    }

    private void Append(ReadOnlySpan<byte> entry)
    {
        if (_appendOnly is { } appendOnly)
        {
            AppendOnlyFile.Write(appendOnly, entry, path);
        }
        else if (_fallback!.CanSeek)
        {
            var handle = _fallback.SafeFileHandle;
            RandomAccess.Write(handle, entry, RandomAccess.GetLength(handle));
        }
        else
        {
            // A pipe or character device has no end to seek to.
            _fallback.Write(entry);
        }
    }

    private void Close()
    {
        var appendOnly = _appendOnly;
        var fallback = _fallback;
        _appendOnly = null;
        _fallback = null;
        appendOnly?.Dispose();
        fallback?.Dispose();
    }
}
