namespace PluginHost.Cli.Configuration;

/// <summary>A config file that cannot be used: missing, unreadable, malformed, or with an unknown key or bad value.</summary>
internal sealed class ConfigException : Exception
{
    public ConfigException()
        : this("invalid configuration")
    {
    }

    public ConfigException(string message)
        : base(message)
    {
    }

    public ConfigException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
