using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace PluginHost.Storage;

/// <summary>
/// The embedded default <see cref="IStorage"/>: one directory on the local disk, durable atomic writes, and a lock so
/// that only one process at a time uses the directory.
/// </summary>
/// <remarks>
/// <para>
/// Each write goes to a temp file in the key's folder, is flushed to disk, renamed over the old file and the folder
/// is flushed too (on Unix), so a crash leaves either the old or the new value, never a torn one. Temp files left by
/// a crash are removed the next time the directory is opened.
/// </para>
/// <para>
/// The value of key <c>x/y/z</c> is the file <c>x/y/_z</c>. A key segment may be at most 250 UTF-8 bytes (a file
/// name). On a case-insensitive file system (Windows, macOS by default) keys differing only in case collide.
/// </para>
/// <para>
/// The constructor blocks the calling thread while another process holds the directory: it polls the lock file until
/// the lock is free or the lock timeout has passed, so construct it off latency-sensitive threads when that timeout is long.
/// </para>
/// <para>
/// A data directory the constructor creates gets mode 0700 on Unix. An existing one keeps its mode (it is the user's);
/// if it grants group or other users any access, a warning says so.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using var storage = new FileStorage("/var/lib/plugin-host", TimeSpan.FromSeconds(10));
/// await storage.PutAsync(new StorageEntry("core/mounts", json));
/// </code>
/// </example>
public sealed class FileStorage : IStorage, INamedStorage, IDisposable
{
    private const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly ILogger _logger;
    private readonly DataDirectoryLock _lock;

    // Puts and deletes run one at a time: a delete prunes empty folders that a concurrent put may be writing into.
    // Reads need no gate because every change is a single rename or unlink.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private int _disposed;

    /// <summary>
    /// Opens (creating it if needed) the storage directory and locks it against other processes, blocking for up to
    /// <paramref name="lockTimeout"/> while another process holds it.
    /// </summary>
    /// <param name="directory">The data directory. Created with mode 0700 on Unix; an existing one keeps its mode.</param>
    /// <param name="lockTimeout">
    /// How long to block, polling, for another process to release the directory; <see cref="TimeSpan.Zero"/> tries once.
    /// </param>
    /// <param name="logger">Receives lock waits, a data directory open to other users, and crash clean-up; optional.</param>
    /// <exception cref="PluginHostException">Another process holds the directory after <paramref name="lockTimeout"/> (<see cref="ErrorCode.Unavailable"/>).</exception>
    public FileStorage(string directory, TimeSpan lockTimeout, ILogger<FileStorage>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(lockTimeout, TimeSpan.Zero);
        _logger = logger ?? (ILogger)NullLogger.Instance;
        DirectoryPath = Path.GetFullPath(directory);
        CreatePrivateDirectory(DirectoryPath);
        WarnIfNotPrivate();
        _lock = DataDirectoryLock.Acquire(DirectoryPath, lockTimeout, _logger);
        try
        {
            RemoveStaleTempFiles();
        }
        catch
        {
            // Nobody can dispose a half-constructed instance, so release the directory here.
            _lock.Dispose();
            throw;
        }
    }

    /// <summary>The full path of the data directory.</summary>
    public string DirectoryPath { get; }

    /// <inheritdoc/>
    public string StorageType => "file";

    /// <inheritdoc/>
    public async ValueTask<StorageEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = FileStorageLayout.FilePath(DirectoryPath, key);
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            // FileShare.Delete lets a writer rename over the file while it is being read (Windows).
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                var value = new byte[stream.Length];
                await stream.ReadExactlyAsync(value, cancellationToken).ConfigureAwait(false);
                return new StorageEntry(key, value);
            }
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure("read", key, ex);
        }
    }

    /// <inheritdoc/>
    public async ValueTask PutAsync(StorageEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.Value);
        var path = FileStorageLayout.FilePath(DirectoryPath, entry.Key);
        ThrowIfDisposed();
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var folder = Path.GetDirectoryName(path)!;
        try
        {
            ThrowIfDisposed();
            EnsureFolder(folder);
            var temp = Path.Join(folder, FileStorageLayout.TempFilePrefix + Guid.NewGuid().ToString("N"));
            try
            {
                var stream = new FileStream(temp, NewFileOptions());
                await using (stream.ConfigureAwait(false))
                {
                    await stream.WriteAsync(entry.Value, cancellationToken).ConfigureAwait(false);
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temp, path, overwrite: true);
            }
            catch
            {
                DiscardFailedWrite(temp, folder);
                throw;
            }

            UnixFileSystem.TrySyncDirectory(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure("write", entry.Key, ex);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = FileStorageLayout.FilePath(DirectoryPath, key);
        ThrowIfDisposed();
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfDisposed();
            if (File.Exists(path))
            {
                var folder = Path.GetDirectoryName(path)!;
                File.Delete(path);
                UnixFileSystem.TrySyncDirectory(folder);
                PruneEmptyFolders(folder);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure("delete", key, ex);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default)
    {
        var normalized = StorageKey.NormalizePrefix(prefix);
        var folder = FileStorageLayout.FolderPath(DirectoryPath, normalized);
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        var names = new List<string>();
        try
        {
            foreach (var item in new DirectoryInfo(folder).EnumerateFileSystemInfos())
            {
                var name = item is DirectoryInfo directory
                    ? FileStorageLayout.FolderNameOfDirectory(item.Name) is { } folderName && HasData(directory) ? folderName + "/" : null
                    : FileStorageLayout.KeyNameOfFile(item.Name);
                if (name is not null)
                {
                    names.Add(name);
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            // A folder that was never written, or was pruned by a concurrent delete, is simply empty.
            return ValueTask.FromResult<IReadOnlyList<string>>([]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure("list", normalized, ex);
        }

        names.Sort(StringComparer.Ordinal);
        return ValueTask.FromResult<IReadOnlyList<string>>(names);
    }

    /// <summary>Releases the directory's lock after in-flight writes finish. Later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Wait for a running put or delete so the lock is never released in the middle of a write.
        _writeGate.Wait();
        try
        {
            _lock.Dispose();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static FileStreamOptions NewFileOptions()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFileMode;
        }

        return options;
    }

    // A data directory that cannot be made is a setup mistake to state in one line, not an I/O exception to unwind.
    private static void CreatePrivateDirectory(string path)
    {
        if (File.Exists(path))
        {
            throw new PluginHostException(ErrorCode.Unavailable, $"the data directory {path} is a file; give a directory, or a path where one can be created");
        }

        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(path);
            }
            else
            {
                Directory.CreateDirectory(path, PrivateDirectoryMode);
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new PluginHostException(ErrorCode.Unavailable, $"the data directory {path} cannot be created: {error.Message}", error);
        }
    }

    private void WarnIfNotPrivate()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // Only a warning: the directory may be shared on purpose, and changing a user's own directory is not ours to do.
        const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        var mode = File.GetUnixFileMode(DirectoryPath);
        if ((mode & GroupOrOther) != 0)
        {
            FileStorageLog.DataDirectoryNotPrivate(_logger, DirectoryPath, Convert.ToString((int)mode, 8).PadLeft(4, '0'));
        }
    }

    private static bool HasData(DirectoryInfo directory)
    {
        try
        {
            // Folders are pruned when their last key goes, but one can be empty for a moment (or hold only the temp
            // file of a first write in progress); it is listed once it holds a key or a sub-folder.
            return directory.EnumerateFileSystemInfos().Any(item => !FileStorageLayout.IsHostEntry(item.Name));
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
    }

    private void EnsureFolder(string folder)
    {
        var missing = new Stack<string>();
        for (var current = folder; current.Length > DirectoryPath.Length && !Directory.Exists(current); current = Path.GetDirectoryName(current)!)
        {
            missing.Push(current);
        }

        while (missing.TryPop(out var directory))
        {
            CreatePrivateDirectory(directory);
            UnixFileSystem.TrySyncDirectory(Path.GetDirectoryName(directory)!);
        }
    }

    private void PruneEmptyFolders(string folder)
    {
        // Never the root: it holds the lock file and belongs to whoever configured it.
        for (var current = folder; current.Length > DirectoryPath.Length; current = Path.GetDirectoryName(current)!)
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(current).Any())
                {
                    return;
                }

                Directory.Delete(current);
                UnixFileSystem.TrySyncDirectory(Path.GetDirectoryName(current)!);
            }
            catch (DirectoryNotFoundException)
            {
                // Already gone; its parent may still be empty.
            }
        }
    }

    private void DiscardFailedWrite(string temp, string folder)
    {
        // Best effort, so the original failure is the one reported; a leftover temp file is removed on next open.
        try
        {
            File.Delete(temp);
            PruneEmptyFolders(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private void RemoveStaleTempFiles()
    {
        // We hold the lock, so no other writer exists: any temp file is left over from a crash.
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };
        foreach (var temp in Directory.EnumerateFiles(DirectoryPath, FileStorageLayout.TempFilePrefix + "*", options).ToList())
        {
            File.Delete(temp);
            FileStorageLog.StaleTempFileRemoved(_logger, temp);
            PruneEmptyFolders(Path.GetDirectoryName(temp)!);
        }
    }

    private PluginHostException Failure(string action, string key, Exception cause) =>
        new(ErrorCode.Internal, $"could not {action} storage key '{key}' in data directory '{DirectoryPath}': {cause.Message}", cause);

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
