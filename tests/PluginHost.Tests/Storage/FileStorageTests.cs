using Microsoft.Extensions.Logging;
using PluginHost.Storage;

namespace PluginHost.Tests.Storage;

[TestClass]
public sealed class FileStorageTests : StorageContractTests
{
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(30);

    private readonly List<FileStorage> _opened = [];
    private string _directory = null!;

    [TestInitialize]
    public void CreateDirectory() =>
        _directory = Path.Join(Path.GetTempPath(), "pluginhost-storage-tests", Guid.NewGuid().ToString("N"));

    [TestCleanup]
    public void DeleteDirectory()
    {
        foreach (var storage in _opened)
        {
            storage.Dispose();
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    protected override IStorage CreateStorage() => Open();

    [TestMethod]
    public async Task Put_NestedKey_IsStoredAsUnderscoreFileInPlainFolders()
    {
        var storage = Open();
        await storage.PutAsync(new StorageEntry("x/y/z", Bytes("v")));

        Assert.IsTrue(File.Exists(Path.Join(_directory, "x", "y", "_z")));
    }

    [TestMethod]
    public async Task Put_ManyWrites_LeaveNoTempFiles()
    {
        var storage = Open();
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => storage.PutAsync(new StorageEntry($"t/{i % 3}/k", Bytes($"{i}"))).AsTask()));

        var leftovers = Directory.EnumerateFiles(_directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(Path.GetFileName)
            .Where(name => name!.StartsWith(".tmp", StringComparison.Ordinal))
            .ToList();
        Assert.IsEmpty(leftovers);
    }

    [TestMethod]
    public void Open_ADataDirectoryThatIsAFile_SaysSo()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_directory)!);
        File.WriteAllText(_directory, "");
        try
        {
            var error = Assert.ThrowsExactly<PluginHostException>(() => new FileStorage(_directory, TimeSpan.Zero));

            Assert.AreEqual(ErrorCode.Unavailable, error.Code);
            Assert.AreEqual($"the data directory {_directory} is a file; give a directory, or a path where one can be created", error.Message);
        }
        finally
        {
            File.Delete(_directory);
        }
    }

    [TestMethod]
    [DataRow("/proc/pluginhost-data")]
    [DataRow("/sys/pluginhost-data")]
    public void Open_ADataDirectoryThatCannotBeCreated_SaysWhereAndWhy(string directory)
    {
        var error = Assert.ThrowsExactly<PluginHostException>(() => new FileStorage(directory, TimeSpan.Zero));

        Assert.AreEqual(ErrorCode.Unavailable, error.Code);
        StringAssert.StartsWith(error.Message, $"the data directory {directory} cannot be created: ");
    }

    [TestMethod]
    public void Open_StaleTempFileFromACrash_IsRemoved()
    {
        var folder = Path.Join(_directory, "a");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Join(folder, ".tmp-0123456789abcdef"), "half a write");

        Open();

        Assert.IsFalse(Directory.Exists(folder));
    }

    [TestMethod]
    public async Task Delete_LastKey_RemovesEmptyFoldersButNotTheRoot()
    {
        var storage = Open();
        await storage.PutAsync(new StorageEntry("a/b/c", Bytes("v")));

        await storage.DeleteAsync("a/b/c");

        Assert.IsFalse(Directory.Exists(Path.Join(_directory, "a")));
        Assert.IsTrue(Directory.Exists(_directory));
    }

    [TestMethod]
    public async Task Put_OnUnix_CreatesPrivateFoldersAndFiles()
    {
        var storage = Open();
        await storage.PutAsync(new StorageEntry("a/b", Bytes("secret")));

        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Unix file modes only.");
        }
        else
        {
            const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            Assert.AreEqual(PrivateDirectory, File.GetUnixFileMode(_directory));
            Assert.AreEqual(PrivateDirectory, File.GetUnixFileMode(Path.Join(_directory, "a")));
            Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Join(_directory, "a", "_b")));
        }
    }

    [TestMethod]
    public void Open_ExistingDirectoryOpenToOthers_KeepsItsModeAndWarnsToChmod()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Unix file modes only.");
            return;
        }

        const UnixFileMode Mode0755 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        Directory.CreateDirectory(_directory);
        File.SetUnixFileMode(_directory, Mode0755);
        var logger = new RecordingLogger();

        Open(logger);

        Assert.AreEqual(Mode0755, File.GetUnixFileMode(_directory));
        var warning = logger.Entries.Single(e => e.EventName == "DataDirectoryNotPrivate");
        Assert.AreEqual(LogLevel.Warning, warning.Level);
        StringAssert.Contains(warning.Message, Path.GetFullPath(_directory));
        StringAssert.Contains(warning.Message, "0755");
        StringAssert.Contains(warning.Message, $"chmod 700 {Path.GetFullPath(_directory)}");
        Assert.AreEqual(Path.GetFullPath(_directory), warning.Fields["Directory"]);
        Assert.AreEqual("0755", warning.Fields["Mode"]);
    }

    [TestMethod]
    public void Open_NewOrPrivateDirectory_DoesNotWarn()
    {
        var logger = new RecordingLogger();
        Open(logger).Dispose();
        Open(logger);

        Assert.IsFalse(logger.Entries.Any(e => e.EventName == "DataDirectoryNotPrivate"));
    }

    [TestMethod]
    public void Open_OnUnix_CreatesTheLockFileWithMode0600()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Unix file modes only.");
            return;
        }

        Open();

        Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Join(_directory, ".lock")));
    }

    [TestMethod]
    public void SyncDirectory_OnLinux_Succeeds()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("The directory fsync is only checked on Linux.");
        }

        Open();

        Assert.IsTrue(UnixFileSystem.TrySyncDirectory(_directory));
    }

    [TestMethod]
    public async Task List_Root_DoesNotShowTheLockFile()
    {
        var storage = Open();
        Assert.IsTrue(File.Exists(Path.Join(_directory, ".lock")));

        Assert.IsEmpty(await storage.ListAsync(""));
    }

    [TestMethod]
    public async Task Dispose_ThenReopen_KeepsTheData()
    {
        var first = Open();
        await first.PutAsync(new StorageEntry("core/mounts", Bytes("table")));
        first.Dispose();

        var second = Open();

        Assert.AreEqual("table", Text(await second.GetAsync("core/mounts")));
        CollectionAssert.AreEqual(new[] { "core/" }, (await second.ListAsync("")).ToArray());
    }

    [TestMethod]
    public async Task Operations_AfterDispose_ThrowObjectDisposed()
    {
        var storage = Open();
        storage.Dispose();

        await Assert.ThrowsExactlyAsync<ObjectDisposedException>(async () => await storage.GetAsync("k"));
        await Assert.ThrowsExactlyAsync<ObjectDisposedException>(async () => await storage.PutAsync(new StorageEntry("k", Bytes("v"))));
        await Assert.ThrowsExactlyAsync<ObjectDisposedException>(async () => await storage.DeleteAsync("k"));
        await Assert.ThrowsExactlyAsync<ObjectDisposedException>(async () => await storage.ListAsync(""));
    }

    [TestMethod]
    public async Task Put_SegmentOfMoreThan250Bytes_IsRefusedNamingTheSegmentAndLimit()
    {
        var storage = Open();
        var segment = new string('é', 126); // 252 UTF-8 bytes in 126 characters.

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await storage.PutAsync(new StorageEntry($"a/{segment}/b", Bytes("v"))));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        StringAssert.Contains(error.Message, "252 UTF-8 bytes");
        StringAssert.Contains(error.Message, "at most 250 bytes");
        StringAssert.Contains(error.Message, segment[..40]);
    }

    [TestMethod]
    public async Task Put_SegmentOfExactly250Bytes_IsStored()
    {
        var storage = Open();
        var key = "a/" + new string('k', 250);

        await storage.PutAsync(new StorageEntry(key, Bytes("v")));

        Assert.AreEqual("v", Text(await storage.GetAsync(key)));
        CollectionAssert.AreEqual(new[] { new string('k', 250) }, (await storage.ListAsync("a")).ToArray());
    }

    [TestMethod]
    public void Open_DirectoryLockedByAnotherInstance_FailsAsUnavailableNamingDirectoryAndHolder()
    {
        Open();

        var error = Assert.ThrowsExactly<PluginHostException>(() => new FileStorage(_directory, ShortTimeout));

        Assert.AreEqual(ErrorCode.Unavailable, error.Code);
        StringAssert.Contains(error.Message, $"data directory '{Path.GetFullPath(_directory)}' is in use by another process");
        StringAssert.Contains(error.Message, "stop the other host or use another data directory");
        if (!OperatingSystem.IsWindows())
        {
            StringAssert.Contains(error.Message, $"(pid {Environment.ProcessId})");
        }
    }

    [TestMethod]
    public async Task Open_WaitingForTheLock_PicksItUpWhenTheHolderIsDisposed()
    {
        var first = Open();
        await first.PutAsync(new StorageEntry("k", Bytes("from first")));
        var logger = new WaitSignalingLogger();

        var second = Task.Run(() => new FileStorage(_directory, LongWait, logger));
        await logger.Waiting.WaitAsync(LongWait);
        Assert.IsFalse(second.IsCompleted);
        first.Dispose();
        var reopened = await second.WaitAsync(LongWait);
        _opened.Add(reopened);

        Assert.AreEqual("from first", Text(await reopened.GetAsync("k")));
    }

    private FileStorage Open(ILogger<FileStorage>? logger = null)
    {
        var storage = new FileStorage(_directory, ShortTimeout, logger);
        _opened.Add(storage);
        return storage;
    }

    /// <summary>Keeps every log entry with its event name and structured fields.</summary>
    private sealed class RecordingLogger : ILogger<FileStorage>
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<Entry> _entries = new();

        public IReadOnlyList<Entry> Entries => [.. _entries];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var fields = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            _entries.Enqueue(new Entry(logLevel, eventId.Name, formatter(state, exception), fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal)));
        }

        public sealed record Entry(LogLevel Level, string? EventName, string Message, IReadOnlyDictionary<string, object?> Fields);
    }

    /// <summary>Completes <see cref="Waiting"/> when the storage logs that it waits for another holder's lock.</summary>
    private sealed class WaitSignalingLogger : ILogger<FileStorage>
    {
        private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Waiting => _waiting.Task;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name == "WaitingForLock")
            {
                _waiting.TrySetResult();
            }
        }
    }
}
