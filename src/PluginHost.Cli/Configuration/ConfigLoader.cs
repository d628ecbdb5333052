using System.Globalization;
using System.Security.Authentication;
using PluginHost.Cli.CommandLine;
using PluginHost.Cli.Output;
using PluginHost.Http;

namespace PluginHost.Cli.Configuration;

/// <summary>
/// Finds and reads the config file: <c>-config=FILE</c>, else <c>PLUGIN_HOST_CONFIG</c>, else <c>./plugin-host.hcl</c>
/// if present, else none (defaults only). Relative paths in the file are relative to the file's directory.
/// </summary>
internal sealed class ConfigLoader(CliEnvironment environment)
{
    public const string EnvironmentVariable = "PLUGIN_HOST_CONFIG";
    public const string DefaultFileName = "plugin-host.hcl";

    // "plugin_directory, …, address, and listener "tcp" { address, tls_disable, … }"
    private static readonly string KeyList =
        string.Join(", ", HostConfig.Keys.Where(k => !k.Contains('.', StringComparison.Ordinal)))
        + ", listener \"tcp\" { "
        + string.Join(", ", HostConfig.Keys.Where(k => k.StartsWith("listener.tcp.", StringComparison.Ordinal)).Select(k => k["listener.tcp.".Length..]))
        + " }, seal \"static\" { key_file }, storage \"file\" { path }, and storage \"postgresql\" { "
        + string.Join(", ", HostConfig.Keys.Where(k => k.StartsWith("storage.postgresql.", StringComparison.Ordinal)).Select(k => k["storage.postgresql.".Length..]))
        + " }";

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
            text = BoundedText.ReadFile(file, BoundedText.MaxConfigChars);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(
                $"Error loading configuration from {Echo.Of(file)}: {FileError.Reason(error)}",
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
                throw new ConfigException($"line {setting.Line}: unknown key \"{Echo.Of(setting.Key)}\"; the keys are {KeyList}");
            }

            // Vault's blocks and the flat keys say the same thing: one of them, once.
            var key = setting.Key switch
            {
                "listener.tcp.address" => "address",
                "storage.file.path" => "data_directory",
                _ => setting.Key,
            };
            if (!seen.TryAdd(key, setting.Line))
            {
                throw new ConfigException($"line {setting.Line}: {key} is set twice (first on line {seen[key]})");
            }

            var listener = config.Listener;
            var postgres = config.Postgres ?? new PostgresStorageConfig();
            config = setting.Key switch
            {
                "plugin_directory" => config with { PluginDirectory = DirectoryValue(setting, directory) },
                "data_directory" => config with { DataDirectory = DirectoryValue(setting, directory) },
                "log_level" => config with { LogLevel = LogLevelValue(setting) },
                "log_format" => config with { JsonLogs = LogFormatValue(setting) },
                "address" or "listener.tcp.address" => config with { Address = AddressValue(setting) },
                "lock_timeout" => config with { LockTimeout = DurationValue(setting) },
                "listener.tcp.tls_disable" => config with { Listener = listener with { TlsDisable = BoolValue(setting) } },
                "listener.tcp.tls_cert_file" => config with { Listener = listener with { TlsCertFile = FileValue(setting, directory) } },
                "listener.tcp.tls_key_file" => config with { Listener = listener with { TlsKeyFile = FileValue(setting, directory) } },
                "listener.tcp.tls_min_version" => config with { Listener = listener with { TlsMinVersion = TlsVersionValue(setting) } },
                "listener.tcp.tls_client_ca_file" => config with { Listener = listener with { TlsClientCaFile = FileValue(setting, directory) } },
                "listener.tcp.tls_require_and_verify_client_cert" => config with { Listener = listener with { TlsRequireClientCert = BoolValue(setting) } },
                "listener.tcp.max_request_size" => config with { Listener = listener with { MaxRequestSize = SizeValue(setting, PluginHostHttpOptions.DefaultMaxRequestBodyBytes) } },
                "listener.tcp.max_request_duration" => config with { Listener = listener with { MaxRequestDuration = RequestDurationValue(setting) } },
                "listener.tcp.max_connections" => config with { Listener = listener with { MaxConnections = CountValue(setting) } },
                "seal.static.key_file" => config with { SealKeyFile = FileValue(setting, directory) },
                "storage.file.path" => config with { DataDirectory = DirectoryValue(setting, directory) },
                "storage.postgresql.connection_url" => config with { Postgres = postgres with { ConnectionUrl = NonEmpty(setting) } },
                "storage.postgresql.table" => config with { Postgres = postgres with { Table = NonEmpty(setting) } },
                "storage.postgresql.ha_enabled" => config with { Postgres = postgres with { HaEnabled = BoolValue(setting) } },
                "storage.postgresql.ha_table" => config with { Postgres = postgres with { HaTable = NonEmpty(setting) } },
                "storage.postgresql.max_parallel" => config with { Postgres = postgres with { MaxParallel = (int)Math.Min(CountValue(setting), int.MaxValue) } },
                "api_addr" => config with { ApiAddress = ApiAddressValue(setting) },
                "disable_request_forwarding" => config with { DisableRequestForwarding = BoolValue(setting) },
                _ => config with { Listener = listener with { MaxBufferedRequestSize = SizeValue(setting, PluginHostHttpOptions.DefaultMaxBufferedRequestBodyBytes) } },
            };
        }

        CheckTls(config.Listener, seen);
        CheckStorage(config, seen);
        return config.DataDirectory.Length > 0 ? config : config with { DataDirectory = DefaultDataDirectory() };
    }

    // One storage, and a PostgreSQL one needs to know where the database is.
    private static void CheckStorage(HostConfig config, Dictionary<string, int> seen)
    {
        if (config.Postgres is not { } postgres)
        {
            return;
        }

        var first = seen.Where(pair => pair.Key.StartsWith("storage.postgresql.", StringComparison.Ordinal)).Min(pair => pair.Value);
        if (postgres.ConnectionUrl.Length == 0)
        {
            throw new ConfigException($"line {first}: storage \"postgresql\" needs connection_url, such as \"postgres://vault:password@db.example:5432/vault?sslmode=require\"");
        }

        if (seen.TryGetValue("data_directory", out var line))
        {
            throw new ConfigException($"line {line}: data_directory and storage \"postgresql\" (line {first}) both say where the data is: keep one");
        }
    }

    // An address others reach this server at: a URL with http or https, a host and a port.
    private static string ApiAddressValue(ConfigSetting setting) =>
        Uri.TryCreate(setting.Value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? setting.Value.TrimEnd('/')
            : throw new ConfigException($"line {setting.Line}: api_addr \"{Echo.Of(setting.Value)}\" is not a URL such as \"https://10.0.0.5:8200\" (the address clients and the other servers reach this one at)");

    private static string NonEmpty(ConfigSetting setting) =>
        setting.Value.Length > 0 ? setting.Value : throw new ConfigException($"line {setting.Line}: {ShortKey(setting)} is empty");

    // The TLS keys only make sense together; Vault refuses the same combinations.
    private static void CheckTls(ListenerConfig listener, Dictionary<string, int> seen)
    {
        string Line(string key) => seen.TryGetValue("listener.tcp." + key, out var line) ? $"line {line}: " : "";
        if (listener.TlsCertFile is null != listener.TlsKeyFile is null)
        {
            var given = listener.TlsCertFile is null ? "tls_key_file" : "tls_cert_file";
            var missing = listener.TlsCertFile is null ? "tls_cert_file" : "tls_key_file";
            throw new ConfigException($"{Line(given)}{given} is set but {missing} is not; TLS needs both (or set tls_disable = true)");
        }

        if (listener.TlsDisable == false && listener.TlsCertFile is null)
        {
            throw new ConfigException($"{Line("tls_disable")}tls_disable is false but tls_cert_file and tls_key_file are not set; give them, or set tls_disable = true");
        }

        if (!listener.UsesTls && (listener.TlsClientCaFile is not null || listener.TlsRequireClientCert))
        {
            var key = listener.TlsClientCaFile is not null ? "tls_client_ca_file" : "tls_require_and_verify_client_cert";
            throw new ConfigException($"{Line(key)}{key} needs TLS: set tls_cert_file and tls_key_file");
        }

        if (listener.TlsRequireClientCert && listener.TlsClientCaFile is null)
        {
            throw new ConfigException($"{Line("tls_require_and_verify_client_cert")}tls_require_and_verify_client_cert needs tls_client_ca_file, the CA client certificates must chain to");
        }
    }

    private static string FileValue(ConfigSetting setting, string relativeTo) =>
        setting.Value.Length == 0
            ? throw new ConfigException($"line {setting.Line}: {ShortKey(setting)} is empty; give a file")
            : Path.GetFullPath(setting.Value, relativeTo);

    // HCL's and Go's spellings of a boolean, quoted or bare.
    private static bool BoolValue(ConfigSetting setting) =>
        setting.Value.ToLowerInvariant() switch
        {
            "true" or "1" or "t" => true,
            "false" or "0" or "f" => false,
            _ => throw new ConfigException($"line {setting.Line}: {ShortKey(setting)} \"{Echo.Of(setting.Value)}\" is not true or false"),
        };

    private static SslProtocols TlsVersionValue(ConfigSetting setting) =>
        setting.Value switch
        {
            "tls12" => SslProtocols.Tls12,
            "tls13" => SslProtocols.Tls13,
            "tls10" or "tls11" => throw new ConfigException($"line {setting.Line}: tls_min_version \"{setting.Value}\" is not supported by this server (TLS 1.0 and 1.1 are disabled in .NET); use tls12 or tls13"),
            _ => throw new ConfigException($"line {setting.Line}: tls_min_version \"{Echo.Of(setting.Value)}\" is not one of tls12, tls13"),
        };

    // Vault: a size in bytes; 0 means the default, a negative one no limit.
    private static long SizeValue(ConfigSetting setting, long defaultValue) =>
        long.TryParse(setting.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bytes)
            ? bytes == 0 ? defaultValue : bytes
            : throw new ConfigException($"line {setting.Line}: {ShortKey(setting)} \"{Echo.Of(setting.Value)}\" is not a number of bytes, such as 33554432");

    private static long CountValue(ConfigSetting setting) =>
        long.TryParse(setting.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? count
            : throw new ConfigException($"line {setting.Line}: {ShortKey(setting)} \"{Echo.Of(setting.Value)}\" is not a whole number above 0");

    // Vault: 0 means the default.
    private static TimeSpan RequestDurationValue(ConfigSetting setting)
    {
        var duration = DurationValue(setting);
        return duration == TimeSpan.Zero ? PluginHostHttpOptions.DefaultMaxRequestDuration : duration;
    }

    private static string ShortKey(ConfigSetting setting) =>
        setting.Key.StartsWith("listener.tcp.", StringComparison.Ordinal) ? setting.Key["listener.tcp.".Length..]
        : setting.Key.StartsWith("storage.postgresql.", StringComparison.Ordinal) ? setting.Key["storage.postgresql.".Length..]
        : setting.Key;

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
            "INFO" or "NOTICE" => LogLevelSetting.Info,
            "WARN" or "WARNING" => LogLevelSetting.Warn,
            "ERROR" or "ERR" => LogLevelSetting.Error,
            "OFF" => LogLevelSetting.Off,
            _ => throw new ConfigException($"line {setting.Line}: log_level \"{Echo.Of(setting.Value)}\" is not one of trace, debug, info, warn, error, off"),
        };

    // Vault's log_format: "standard" (text lines) or "json" (one JSON object a line).
    private static bool LogFormatValue(ConfigSetting setting) =>
        setting.Value.ToUpperInvariant() switch
        {
            "STANDARD" => false,
            "JSON" => true,
            _ => throw new ConfigException($"line {setting.Line}: log_format \"{Echo.Of(setting.Value)}\" is not standard or json"),
        };

    private static TimeSpan DurationValue(ConfigSetting setting) =>
        DurationFlag.TryParse(setting.Value, out var duration)
            ? duration
            : throw new ConfigException($"line {setting.Line}: {ShortKey(setting)} \"{Echo.Of(setting.Value)}\" is not a duration such as \"10s\" or \"1m\"");

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
