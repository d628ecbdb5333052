using Microsoft.Extensions.Logging;

namespace PluginHost.Mounts;

/// <summary>The mount table's log messages (source-generated).</summary>
internal static partial class MountTableLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Enabled {MountPath} ({Plugin}, {Table}) with uuid {Uuid}")]
    public static partial void Enabled(ILogger logger, string mountPath, string plugin, BackendType table, string uuid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Disabled {MountPath} and deleted the data of {Uuid}")]
    public static partial void Disabled(ILogger logger, string mountPath, string uuid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {From} to {To} (uuid {Uuid}); data kept")]
    public static partial void Moved(ILogger logger, string from, string to, string uuid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tuned {MountPath} (backend restarted: {Restarted})")]
    public static partial void Tuned(ILogger logger, string mountPath, bool restarted);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored {Count} mounts ({Unavailable} unavailable)")]
    public static partial void Restored(ILogger logger, int count, int unavailable);

    [LoggerMessage(Level = LogLevel.Error, Message = "Mount {MountPath} is unavailable: plugin {Plugin} could not start: {Reason}")]
    public static partial void Unavailable(ILogger logger, string mountPath, string plugin, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mount {MountPath} is disabled, but deleting its data under {StoragePrefix} failed; the data is unreachable and can be removed by hand")]
    public static partial void DataDeleteFailed(ILogger logger, Exception exception, string mountPath, string storagePrefix);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plugin {Plugin} was deregistered; mount {MountPath} is kept and its requests fail until the plugin is registered again")]
    public static partial void PluginDeregistered(ILogger logger, string mountPath, string plugin);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the catalog to check the plugin of {MountPath}")]
    public static partial void CatalogRecheckFailed(ILogger logger, Exception exception, string mountPath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reloaded {MountPath} (plugin sha256 {Sha256})")]
    public static partial void Reloaded(ILogger logger, string mountPath, string sha256);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backends were still stopping {DeadlineSeconds}s into shutdown (drain timeout + cancellation grace period); killing every plugin process")]
    public static partial void ShutdownDeadlinePassed(ILogger logger, double deadlineSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The backend of {MountPath} stopped after serving; the next request starts it again: {Reason}")]
    public static partial void BackendStopped(ILogger logger, string mountPath, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mount {MountPath} failed {FailuresInARow} time(s) in a row; starts are refused for {RetrySeconds}s: {Reason}")]
    public static partial void MountFailed(ILogger logger, string mountPath, int failuresInARow, double retrySeconds, string reason);
}
