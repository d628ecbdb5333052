using Microsoft.Extensions.Logging;

namespace PluginHost.Storage;

/// <summary>Log messages of <see cref="FileStorage"/>.</summary>
internal static partial class FileStorageLog
{
    [LoggerMessage(EventId = 1, EventName = "WaitingForLock", Level = LogLevel.Warning,
        Message = "Data directory {Directory} is locked by another process (pid {HolderPid}); waiting up to {TimeoutSeconds}s for it")]
    public static partial void WaitingForLock(ILogger logger, string directory, string holderPid, double timeoutSeconds);

    [LoggerMessage(EventId = 2, EventName = "LockAcquired", Level = LogLevel.Debug, Message = "Locked data directory {Directory}")]
    public static partial void LockAcquired(ILogger logger, string directory);

    [LoggerMessage(EventId = 3, EventName = "StaleTempFileRemoved", Level = LogLevel.Information,
        Message = "Removed {Path}, left by a write that did not finish")]
    public static partial void StaleTempFileRemoved(ILogger logger, string path);

    [LoggerMessage(EventId = 4, EventName = "DataDirectoryNotPrivate", Level = LogLevel.Warning,
        Message = "Data directory {Directory} has mode {Mode}, so other users can access it; run 'chmod 700 {Directory}' unless that is intended")]
    public static partial void DataDirectoryNotPrivate(ILogger logger, string directory, string mode);
}
