namespace PluginHost.Http;

/// <summary>Settings of the Vault-compatible HTTP API that <see cref="PluginHostEndpointRouteBuilderExtensions.MapPluginHost"/> serves.</summary>
public sealed class PluginHostHttpOptions
{
    /// <summary>Vault's default <c>max_request_size</c>: 32 MiB.</summary>
    public const long DefaultMaxRequestBodyBytes = 32 * 1024 * 1024;

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

    /// <summary>The version <c>sys/health</c> reports; by default this package's informational version.</summary>
    public string? Version { get; set; }

    /// <summary>The <c>cluster_name</c> <c>sys/health</c> reports.</summary>
    public string ClusterName { get; set; } = "plugin-host";
}
