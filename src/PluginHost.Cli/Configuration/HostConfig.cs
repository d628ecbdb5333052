namespace PluginHost.Cli.Configuration;

/// <summary>What a config file (or its absence) says: where plugins and data live, and how the host behaves.</summary>
internal sealed record HostConfig
{
    /// <summary>The keys a config file may set, in the order docs and error messages list them.</summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        "plugin_directory", "data_directory", "log_level", "log_format", "lock_timeout", "address", "listener.tcp.address",
        "listener.tcp.tls_disable", "listener.tcp.tls_cert_file", "listener.tcp.tls_key_file", "listener.tcp.tls_min_version",
        "listener.tcp.tls_client_ca_file", "listener.tcp.tls_require_and_verify_client_cert", "listener.tcp.max_request_size",
        "listener.tcp.max_request_duration", "listener.tcp.max_connections", "listener.tcp.max_buffered_request_size",
        "seal.static.key_file", "storage.file.path", "storage.postgresql.connection_url", "storage.postgresql.table",
        "storage.postgresql.ha_enabled", "storage.postgresql.ha_table", "storage.postgresql.max_parallel", "api_addr",
        "disable_request_forwarding",
    ];

    /// <summary>Where <c>plugin-host server</c> listens when the config does not say: Vault's default.</summary>
    public const string DefaultAddress = "127.0.0.1:8200";

    /// <summary>The absolute plugin directory, or <see langword="null"/> when the config sets none.</summary>
    public string? PluginDirectory { get; init; }

    /// <summary>The absolute data directory (a default under the XDG data directory when the config sets none).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The least severe log level written to stderr.</summary>
    public LogLevelSetting LogLevel { get; init; } = LogLevelSetting.Warn;

    /// <summary>Whether <c>plugin-host server</c> writes its log as text lines (<c>standard</c>) or as Vault's JSON lines (<c>json</c>).</summary>
    public bool JsonLogs { get; init; }

    /// <summary>How long to wait for another process using the data directory.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>host:port for <c>plugin-host server</c> (<c>address</c>, or <c>listener "tcp" { address = … }</c>), or null.</summary>
    public string? Address { get; init; }

    /// <summary>The rest of <c>listener "tcp" { … }</c>: TLS and limits.</summary>
    public ListenerConfig Listener { get; init; } = new();

    /// <summary>
    /// The key file of <c>seal "static" { key_file = … }</c> (OpenBao's static seal), or <see langword="null"/>: with
    /// one, everything in the data directory is encrypted under the key it holds.
    /// </summary>
    public string? SealKeyFile { get; init; }

    /// <summary>
    /// <c>storage "postgresql" { … }</c>: the host's data in PostgreSQL rather than the data directory, or
    /// <see langword="null"/>. With <c>ha_enabled</c>, several servers share it, one of them active.
    /// </summary>
    public PostgresStorageConfig? Postgres { get; init; }

    /// <summary>Where clients and the other servers reach this one (Vault's <c>api_addr</c>), or <see langword="null"/>.</summary>
    public string? ApiAddress { get; init; }

    /// <summary>Whether a standby answers 307 with the active node's address instead of forwarding (<c>disable_request_forwarding</c>).</summary>
    public bool DisableRequestForwarding { get; init; }

    /// <summary>The config file these settings came from, or <see langword="null"/> when none was found.</summary>
    public string? SourceFile { get; init; }

    /// <summary>Says where <c>plugin_directory</c> would be set, for messages about its absence.</summary>
    public string WhereToSetPluginDirectory =>
        SourceFile is null
            ? "no config file was found: create plugin-host.hcl with plugin_directory = \"/path/to/plugins\" (or give -config=FILE or PLUGIN_HOST_CONFIG)"
            : $"set plugin_directory in {SourceFile}";
}
