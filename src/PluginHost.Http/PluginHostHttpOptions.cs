namespace PluginHost.Http;

/// <summary>Settings of the Vault-compatible HTTP API that <see cref="PluginHostEndpointRouteBuilderExtensions.MapPluginHost"/> serves.</summary>
public sealed class PluginHostHttpOptions
{
    /// <summary>Vault's default <c>max_request_size</c>: 32 MiB.</summary>
    public const long DefaultMaxRequestBodyBytes = 32 * 1024 * 1024;

    /// <summary>The default of <see cref="MaxBufferedRequestBodyBytes"/>: 128 MiB.</summary>
    public const long DefaultMaxBufferedRequestBodyBytes = 128 * 1024 * 1024;

    /// <summary>Vault's default <c>max_request_duration</c>: 90 seconds.</summary>
    public static readonly TimeSpan DefaultMaxRequestDuration = TimeSpan.FromSeconds(90);

    /// <summary>
    /// A root token chosen by the application (dev mode's <c>-dev-root-token-id</c>): stored in the host's token store as
    /// a root token before the first request, then looked up, authorized and revocable like any other token. When null,
    /// the host's tokens are those it issued, such as the one <see cref="Tokens.TokenStore.InitializeRootAsync"/> makes
    /// once per host.
    /// </summary>
    public string? RootToken { get; set; }

    /// <summary>
    /// Largest request body read, in bytes (Vault's <c>max_request_size</c>); a larger one is refused with 413. Negative:
    /// no limit of ours (the server's own still applies).
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>
    /// Most bytes of request bodies held in memory at once across all requests; a body that would go past it is refused
    /// with 503 (clients retry). Default 128 MiB: four bodies of the largest size at once. Negative: no limit.
    /// </summary>
    public long MaxBufferedRequestBodyBytes { get; set; } = DefaultMaxBufferedRequestBodyBytes;

    /// <summary>
    /// Longest a request may take from its first byte read to its answer (Vault's <c>max_request_duration</c>, 90 s);
    /// past it the request is cancelled, down to the plugin serving it, and answered 504.
    /// <see cref="Timeout.InfiniteTimeSpan"/>: no limit of ours (the host's <c>RequestTimeout</c> still applies to backends).
    /// </summary>
    public TimeSpan MaxRequestDuration { get; set; } = DefaultMaxRequestDuration;

    /// <summary>The version <c>sys/health</c> reports; by default this package's informational version.</summary>
    public string? Version { get; set; }

    /// <summary>The <c>cluster_name</c> <c>sys/health</c> reports.</summary>
    public string ClusterName { get; set; } = "plugin-host";

    /// <summary>
    /// What a standby (a host sharing HA storage that does not hold the lock) does with a request for the active node:
    /// <see langword="true"/> (the default) forwards it and relays the answer; <see langword="false"/> answers 307
    /// with the active node's address, as clients sending <c>X-Vault-No-Request-Forwarding</c> always get.
    /// </summary>
    public bool ForwardStandbyRequests { get; set; } = true;
}
