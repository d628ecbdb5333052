namespace PluginHost.Cli.Configuration;

/// <summary>One <c>key = value</c> of a config file, with the line it is on for error messages.</summary>
internal sealed record ConfigSetting(string Key, string Value, int Line);
