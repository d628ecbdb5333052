namespace PluginHost.ConsoleHost.Configuration;

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
