namespace PluginHost.Http;

/// <summary>Settings of the Vault-compatible HTTP API that <see cref="PluginHostEndpointRouteBuilderExtensions.MapPluginHost"/> serves.</summary>
public sealed class PluginHostHttpOptions
{
    /// <summary>Vault's default <c>max_request_size</c>: 32 MiB.</summary>
    public const long DefaultMaxRequestBodyBytes = 32 * 1024 * 1024;

    /// <summary>
    /// A root token given by the application (dev mode): requests that present it (<c>X-Vault-Token</c>, or
    /// <c>Authorization: Bearer</c>) may call every path. When null, only stored tokens with the <c>root</c> policy are
    /// root, such as the one <see cref="Tokens.TokenStore.InitializeRootAsync"/> makes once per host; with neither,
    /// nothing but logins and <c>sys/health</c> can be called.
    /// </summary>
    public string? RootToken { get; set; }

    /// <summary>
    /// Largest request body read, in bytes (Vault's <c>max_request_size</c>); a larger one is refused with 413. Negative:
    /// no limit of ours (the server's own still applies).
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>
    /// How long a login's token is valid when neither the login nor its mount's default lease TTL says: Vault's 768
    /// hours (32 days).
    /// </summary>
    public TimeSpan DefaultTokenTtl { get; set; } = TimeSpan.FromHours(768);

    /// <summary>The version <c>sys/health</c> reports; by default this package's informational version.</summary>
    public string? Version { get; set; }

    /// <summary>The <c>cluster_name</c> <c>sys/health</c> reports.</summary>
    public string ClusterName { get; set; } = "plugin-host";
}
