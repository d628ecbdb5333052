using Microsoft.Extensions.Logging;

namespace PluginHost.Catalog;

/// <summary>Structured log messages of the catalog.</summary>
internal static partial class CatalogLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Registered {PluginType} plugin {PluginName} version {PluginVersion}: command {Command}, sha256 {Sha256}")]
    public static partial void Registered(ILogger logger, BackendType pluginType, string pluginName, string? pluginVersion, string command, string sha256);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Deregistered {PluginType} plugin {PluginName} version {PluginVersion}")]
    public static partial void Deregistered(ILogger logger, BackendType pluginType, string pluginName, string? pluginVersion);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "A Changed handler of the plugin catalog failed for {PluginType} plugin {PluginName}")]
    public static partial void ChangedHandlerFailed(ILogger logger, Exception exception, BackendType pluginType, string pluginName);
}
