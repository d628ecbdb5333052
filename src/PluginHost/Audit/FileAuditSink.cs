namespace PluginHost.Audit;

/// <summary>
/// Appends entries to a log file, as Vault's file sink: the file (and a missing directory) is created, its mode set,
/// each entry is one unbuffered write at the file's current end, and a failed write reopens the file once and retries.
/// </summary>
/// <remarks>
/// Writing at the current length, read before each write, keeps appending correct after <c>copytruncate</c> rotation;
/// after rename rotation the old file is written until <see cref="Reopen"/> (Vault's SIGHUP). Not thread-safe: the
/// owning device serializes calls.
/// </remarks>
internal sealed class FileAuditSink(string path, UnixFileMode? mode) : IAuditSink
{
    // A missing directory is created for the owner only: Vault uses the file mode, which leaves a 0600 directory untraversable.
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode DefaultCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private FileStream? _file;

    public void Open()
    {
        if (_file is not null)
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

        _file = file;
    }

    public void Write(ReadOnlyMemory<byte> entry)
    {
        Open();
        try
        {
            Append(_file!, entry.Span);
        }
        catch (IOException)
        {
            // As Vault: one retry on a fresh handle (a file replaced under us, a stale NFS handle). A second failure is final.
            Close();
            Open();
            Append(_file!, entry.Span);
        }
    }

    public void Reopen()
    {
        Close();
        Open();
    }

    public void Dispose() => Close();

    private static void Append(FileStream file, ReadOnlySpan<byte> entry)
    {
        if (file.CanSeek)
        {
            var handle = file.SafeFileHandle;
            RandomAccess.Write(handle, entry, RandomAccess.GetLength(handle));
        }
        else
        {
            // A pipe or character device has no end to seek to.
            file.Write(entry);
        }
    }

    private static bool IsDevice(string path) => path.StartsWith("/dev/", StringComparison.Ordinal);

    private void Close()
    {
        var file = _file;
        _file = null;
        file?.Dispose();
    }
}
