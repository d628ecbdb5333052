namespace PluginHost.Cli.Configuration;

/// <summary>The <c>log_level</c> values, as Vault spells them.</summary>
internal enum LogLevelSetting
{
    /// <summary>Everything, including the host's debug messages.</summary>
    Trace,

    /// <summary>Debug and above.</summary>
    Debug,

    /// <summary>Info and above: mounts enabled, plugins registered.</summary>
    Info,

    /// <summary>Warnings and errors (the default): a data directory that is locked or open to others, a plugin that failed.</summary>
    Warn,

    /// <summary>Errors only.</summary>
    Error,

    /// <summary>Nothing.</summary>
    Off,
}

/// <summary>From the config file's <c>log_level</c> to the logging framework's level.</summary>
internal static class LogLevelSettings
{
    /// <summary>The least severe <see cref="Microsoft.Extensions.Logging.LogLevel"/> written at <paramref name="setting"/>.</summary>
    public static Microsoft.Extensions.Logging.LogLevel ToLogLevel(this LogLevelSetting setting) => setting switch
    {
        LogLevelSetting.Trace => Microsoft.Extensions.Logging.LogLevel.Trace,
        LogLevelSetting.Debug => Microsoft.Extensions.Logging.LogLevel.Debug,
        LogLevelSetting.Info => Microsoft.Extensions.Logging.LogLevel.Information,
        LogLevelSetting.Warn => Microsoft.Extensions.Logging.LogLevel.Warning,
        LogLevelSetting.Error => Microsoft.Extensions.Logging.LogLevel.Error,
        _ => Microsoft.Extensions.Logging.LogLevel.None,
    };
}
