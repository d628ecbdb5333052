using PluginHost.ConsoleHost.CommandLine;
using PluginHost.ConsoleHost.Output;

namespace PluginHost.ConsoleHost.Configuration;

/// <summary>
/// Finds and reads the config file: <c>-config=FILE</c>, else <c>PLUGIN_HOST_CONFIG</c>, else <c>./plugin-host.hcl</c>
/// if present, else none (defaults only). Relative paths in the file are relative to the file's directory.
/// </summary>
internal sealed class ConfigLoader(CliEnvironment environment)
{
    public const string EnvironmentVariable = "PLUGIN_HOST_CONFIG";
    public const string DefaultFileName = "plugin-host.hcl";

    /// <summary>Loads the settings.</summary>
    /// <param name="configFlag">The value of <c>-config</c>, or <see langword="null"/> when not given.</param>
    /// <exception cref="ConfigException">The file named is missing or unreadable, or its content is invalid; the message names the file.</exception>
    public HostConfig Load(string? configFlag)
    {
        var file = Locate(configFlag);
        if (file is null)
        {
            return new HostConfig { DataDirectory = DefaultDataDirectory() };
        }

        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(
                $"Error loading configuration from {Echo.Of(file)}: {(error is FileNotFoundException or DirectoryNotFoundException ? "no such file" : error.Message)}",
                error);
        }

        try
        {
            return Build(ConfigFileParser.Parse(text), file);
        }
        catch (ConfigException error)
        {
            throw new ConfigException($"Error loading configuration from {Echo.Of(file)}: {error.Message}", error);
        }
    }

    private string? Locate(string? configFlag)
    {
        if (!string.IsNullOrEmpty(configFlag))
        {
            return Path.GetFullPath(configFlag, environment.CurrentDirectory);
        }

        if (environment.GetVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return Path.GetFullPath(fromEnvironment, environment.CurrentDirectory);
        }

        var local = Path.Join(environment.CurrentDirectory, DefaultFileName);
        return File.Exists(local) ? local : null;
    }

    private HostConfig Build(IReadOnlyList<ConfigSetting> settings, string file)
    {
        var directory = Path.GetDirectoryName(file)!;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var config = new HostConfig { DataDirectory = "", SourceFile = file };
        foreach (var setting in settings)
        {
            if (!HostConfig.Keys.Contains(setting.Key))
            {
                throw new ConfigException($"line {setting.Line}: unknown key \"{Echo.Of(setting.Key)}\"; the keys are {string.Join(", ", HostConfig.Keys)}");
            }

            // Vault's listener block and the flat key say the same thing: one of them, once.
            var key = setting.Key == "listener.tcp.address" ? "address" : setting.Key;
            if (!seen.TryAdd(key, setting.Line))
            {
                throw new ConfigException($"line {setting.Line}: {key} is set twice (first on line {seen[key]})");
            }

            config = setting.Key switch
            {
                "plugin_directory" => config with { PluginDirectory = DirectoryValue(setting, directory) },
                "data_directory" => config with { DataDirectory = DirectoryValue(setting, directory) },
                "log_level" => config with { LogLevel = LogLevelValue(setting) },
                "address" or "listener.tcp.address" => config with { Address = AddressValue(setting) },
                _ => config with { LockTimeout = DurationValue(setting) },
            };
        }

        return config.DataDirectory.Length > 0 ? config : config with { DataDirectory = DefaultDataDirectory() };
    }

    private static string DirectoryValue(ConfigSetting setting, string relativeTo)
    {
        if (setting.Value.Length == 0)
        {
            throw new ConfigException($"line {setting.Line}: {setting.Key} is empty; give a directory");
        }

        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(setting.Value, relativeTo));
    }

    private static string AddressValue(ConfigSetting setting) =>
        Server.ListenAddressValidator.TryParse(setting.Value, out var problem)
            ? setting.Value
            : throw new ConfigException($"line {setting.Line}: address {problem}");

    private static LogLevelSetting LogLevelValue(ConfigSetting setting) =>
        setting.Value.ToUpperInvariant() switch
        {
            "TRACE" => LogLevelSetting.Trace,
            "DEBUG" => LogLevelSetting.Debug,
            "INFO" => LogLevelSetting.Info,
            "WARN" or "WARNING" => LogLevelSetting.Warn,
            "ERROR" or "ERR" => LogLevelSetting.Error,
            "OFF" => LogLevelSetting.Off,
            _ => throw new ConfigException($"line {setting.Line}: log_level \"{Echo.Of(setting.Value)}\" is not one of trace, debug, info, warn, error, off"),
        };

    private static TimeSpan DurationValue(ConfigSetting setting) =>
        DurationFlag.TryParse(setting.Value, out var duration)
            ? duration
            : throw new ConfigException($"line {setting.Line}: {setting.Key} \"{Echo.Of(setting.Value)}\" is not a duration such as \"10s\" or \"1m\"");

    // XDG: $XDG_DATA_HOME when it is an absolute path, else ~/.local/share.
    private string DefaultDataDirectory()
    {
        var dataHome = environment.GetVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(dataHome) || !Path.IsPathFullyQualified(dataHome))
        {
            dataHome = Path.Join(environment.HomeDirectory, ".local", "share");
        }

        return Path.Join(dataHome, "plugin-host");
    }
}
