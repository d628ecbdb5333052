using Microsoft.Extensions.Logging;

namespace PluginHost.Audit;

/// <summary>The audit broker's log messages (source-generated). They name devices and requests, never an entry's content.</summary>
internal static partial class AuditLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Enabled audit device {AuditPath} ({AuditType}) writing to {Target}")]
    public static partial void Enabled(ILogger logger, string auditPath, string auditType, string target);

    [LoggerMessage(Level = LogLevel.Information, Message = "Disabled audit device {AuditPath}")]
    public static partial void Disabled(ILogger logger, string auditPath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored {Count} audit devices")]
    public static partial void Restored(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit device {AuditPath} could not open {Target} at startup; each entry tries again and fails until it can: {Reason}")]
    public static partial void OpenFailed(ILogger logger, string auditPath, string target, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit device {AuditPath} failed to record the {EntryType} entry of request {RequestId}: {Reason}")]
    public static partial void DeviceFailed(ILogger logger, string auditPath, string entryType, string requestId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "No audit device recorded the {EntryType} entry of request {RequestId}; the request fails")]
    public static partial void NoDeviceRecorded(ILogger logger, string entryType, string requestId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit device {AuditPath} could not reopen {Target}; the next entry tries again: {Reason}")]
    public static partial void ReopenFailed(ILogger logger, string auditPath, string target, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit device {AuditPath} in the stored table has options that no longer parse; it fails every entry until disabled: {Reason}")]
    public static partial void Unusable(ILogger logger, string auditPath, string reason);
}
