using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PluginHost.Catalog;

namespace PluginHost.Runtime;

/// <summary>
/// Verifies a plugin binary on every launch and hands out a private copy of exactly the bytes it verified: the file
/// is hashed while it is copied into a 0700 content-addressed cache, and the copy is what runs, so a binary swapped in
/// the plugin directory between check and exec is never executed.
/// </summary>
/// <remarks>
/// The cache keeps only what the catalog references: at start, and after every register and deregister, copies no
/// entry names are deleted (<see cref="PruneAsync"/>). A temporary cache (no data directory, as with <c>server -dev</c>)
/// is deleted when the cache is disposed, which the service provider does when the host stops.
/// </remarks>
internal sealed partial class PluginBinaryCache : IDisposable
{
    /// <summary>
    /// How old an unreferenced copy must be before it is deleted. Every launch writes its copy again just before exec,
    /// so a launch in progress always holds a copy younger than this, even when its entry was replaced meanwhile.
    /// </summary>
    internal static readonly TimeSpan PruneGrace = TimeSpan.FromMinutes(1);

    // Disposal waits this long for a prune in progress; the temporary directory is removed either way.
    private static readonly TimeSpan PruneWaitOnDispose = TimeSpan.FromSeconds(5);

    private readonly IOptionsMonitor<PluginHostOptions> _options;
    private readonly PluginCatalog? _catalog;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Lazy<string> _temporaryCache = new(() => Directory.CreateTempSubdirectory("pluginhost-cache-").FullName);
    private readonly CancellationTokenSource _stopping = new();

    // Taken once: a prune chained before Dispose may start after the source is disposed, and must see it cancelled.
    private readonly CancellationToken _stoppingToken;
    private readonly Lock _gate = new();
    private Task _prunes = Task.CompletedTask;
    private bool _disposed;

    /// <summary>A cache that never prunes (no catalog to ask): for tests of the launcher alone.</summary>
    public PluginBinaryCache(IOptionsMonitor<PluginHostOptions> options)
        : this(options, catalog: null, TimeProvider.System, NullLogger<PluginBinaryCache>.Instance)
    {
    }

    /// <summary>A cache that prunes copies <paramref name="catalog"/> no longer references, now and after each change.</summary>
    public PluginBinaryCache(IOptionsMonitor<PluginHostOptions> options, PluginCatalog? catalog, TimeProvider clock, ILogger<PluginBinaryCache> logger)
    {
        _options = options;
        _catalog = catalog;
        _clock = clock;
        _logger = logger;
        _stoppingToken = _stopping.Token;
        if (catalog is not null)
        {
            catalog.Changed += OnCatalogChanged;

            // Copies left by an earlier run of the host whose entries were removed meanwhile.
            SchedulePrune();
        }
    }

    /// <summary>Re-resolves and re-hashes <paramref name="entry"/>'s command and returns the path of its verified private copy.</summary>
    /// <exception cref="PluginHostException">
    /// The command no longer resolves inside the plugin directory or is not a regular file, or <c>checksums did not match</c>.
    /// </exception>
    public async Task<string> PrepareAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        var settings = _options.CurrentValue;
        var source = PluginCommandResolver.Resolve(PluginCommandResolver.RequireDirectory(settings.PluginDirectory), entry.Command);
        var cache = CacheDirectory(settings);
        var expected = PluginChecksum.Normalize(entry.Sha256);
        var target = Path.Combine(cache, expected);
        var temporary = Path.Combine(cache, $".{expected}.{Guid.NewGuid():N}.tmp");
        try
        {
            string actual;
            await using (var output = new FileStream(temporary, PrivateExecutable()))
            {
                actual = await PluginChecksum.HashAsync(source, $"command '{entry.Command}'", output, cancellationToken).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            if (!string.Equals(actual, expected, StringComparison.Ordinal))
            {
                throw PluginChecksum.Mismatch(entry, source, actual);
            }

            // Same name, same bytes: replacing a copy another launch made is harmless, and rename is atomic. The new
            // file's fresh modification time is what keeps a prune away from it until it has been executed.
            File.Move(temporary, target, overwrite: true);
            return target;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// Deletes the copies (and abandoned temporary files) that no catalog entry references and that were written more
    /// than <see cref="PruneGrace"/> ago. Only names the cache itself makes are touched.
    /// </summary>
    /// <returns>How many files were deleted.</returns>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        if (_catalog is null || ExistingCacheDirectory(_options.CurrentValue) is not { } directory)
        {
            return 0;
        }

        var referenced = (await _catalog.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
            .Where(e => !e.Builtin)
            .Select(e => e.Sha256)
            .ToHashSet(StringComparer.Ordinal);
        var writtenBefore = _clock.GetUtcNow().UtcDateTime - PruneGrace;
        var deleted = 0;
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (CachedName.Parse(Path.GetFileName(file)) is not { } name
                || (!name.Temporary && referenced.Contains(name.Sha256))
                || File.GetLastWriteTimeUtc(file) > writtenBefore)
            {
                continue;
            }

            try
            {
                File.Delete(file);
                deleted++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Windows refuses to delete a running executable; the next prune tries again.
                LogNotDeleted(_logger, file, e.Message);
            }
        }

        LogPruned(_logger, directory, deleted);
        return deleted;
    }

    /// <summary>Stops pruning, and deletes the temporary cache directory if this cache made one.</summary>
    public void Dispose()
    {
        Task prunes;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            prunes = _prunes;
        }

        if (_catalog is not null)
        {
            _catalog.Changed -= OnCatalogChanged;
        }

        _stopping.Cancel();
        prunes.Wait(PruneWaitOnDispose);
        _stopping.Dispose();
        if (_temporaryCache.IsValueCreated)
        {
            // The plugins are stopped by now (the pool was created after this cache, so it is disposed before it).
            try
            {
                Directory.Delete(_temporaryCache.Value, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogNotDeleted(_logger, _temporaryCache.Value, e.Message);
            }
        }
    }

    private void OnCatalogChanged(object? sender, CatalogChangedEventArgs e) => SchedulePrune();

    // Prunes run one after the other, off the caller's thread (a catalog change must not wait for the file system).
    private void SchedulePrune()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _prunes = _prunes.ContinueWith(_ => PruneLoggedAsync(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }

    private async Task PruneLoggedAsync()
    {
        try
        {
            await PruneAsync(_stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A storage or file system failure must not take the host down: the next change prunes again.
            LogPruneFailed(_logger, e);
        }
    }

    private static FileStreamOptions PrivateExecutable()
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        }

        return options;
    }

    // The cache directory if it exists, without creating it (nor the temporary one).
    private string? ExistingCacheDirectory(PluginHostOptions settings)
    {
        var directory = settings.PluginCacheDirectory
            ?? (settings.DataDirectory is { Length: > 0 } data ? Path.Combine(data, ".plugin-cache")
                : _temporaryCache.IsValueCreated ? _temporaryCache.Value : null);
        return directory is not null && Directory.Exists(directory) ? directory : null;
    }

    private string CacheDirectory(PluginHostOptions settings)
    {
        var directory = settings.PluginCacheDirectory
            ?? (settings.DataDirectory is { Length: > 0 } data ? Path.Combine(data, ".plugin-cache") : _temporaryCache.Value);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return directory;
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "Pruned the plugin binary cache {CacheDirectory}: deleted {Deleted} copies no catalog entry references")]
    private static partial void LogPruned(ILogger logger, string cacheDirectory, int deleted);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Could not delete {Path} from the plugin binary cache: {Reason}")]
    private static partial void LogNotDeleted(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Pruning the plugin binary cache failed; it is tried again after the next catalog change")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);

    /// <summary>A file name the cache makes: a copy (<c>SHA256</c>) or a copy being written (<c>.SHA256.GUID.tmp</c>).</summary>
    private readonly record struct CachedName(string Sha256, bool Temporary)
    {
        public static CachedName? Parse(string fileName)
        {
            if (IsSha256(fileName))
            {
                return new CachedName(fileName, Temporary: false);
            }

            // ".{64}.{32}.tmp": 1 + 64 + 1 + 32 + 4 characters.
            if (fileName.Length == 102 && fileName[0] == '.' && fileName[65] == '.' && fileName.EndsWith(".tmp", StringComparison.Ordinal)
                && IsSha256(fileName[1..65]) && fileName[66..98].All(char.IsAsciiHexDigitLower))
            {
                return new CachedName(fileName[1..65], Temporary: true);
            }

            return null;
        }

        private static bool IsSha256(string name) => name.Length == 64 && name.All(char.IsAsciiHexDigitLower);
    }
}
