using System.Security.Authentication;
using PluginHost.Http;

namespace PluginHost.Cli.Configuration;

/// <summary>
/// Vault's <c>listener "tcp"</c> settings besides the address: TLS, and the limits on what one client may make the
/// server hold. Unlike Vault, TLS is off unless <c>tls_cert_file</c> is given (a file with only an address keeps
/// serving plain HTTP on loopback, as PluginHost always did).
/// </summary>
internal sealed record ListenerConfig
{
    /// <summary>The most connections served at once (PluginHost's own; Vault has none): more are closed unanswered.</summary>
    public const long DefaultMaxConnections = 1024;

    /// <summary><c>tls_disable</c>: true turns TLS off even with a certificate; null when not set.</summary>
    public bool? TlsDisable { get; init; }

    /// <summary><c>tls_cert_file</c>: the PEM certificate, then any intermediates; absolute.</summary>
    public string? TlsCertFile { get; init; }

    /// <summary><c>tls_key_file</c>: the PEM private key of the certificate; absolute.</summary>
    public string? TlsKeyFile { get; init; }

    /// <summary><c>tls_min_version</c>: <c>tls12</c> (default) or <c>tls13</c>.</summary>
    public SslProtocols TlsMinVersion { get; init; } = SslProtocols.Tls12;

    /// <summary><c>tls_client_ca_file</c>: client certificates must chain to these PEM CAs when presented; absolute.</summary>
    public string? TlsClientCaFile { get; init; }

    /// <summary><c>tls_require_and_verify_client_cert</c>: every client must present a certificate from that CA.</summary>
    public bool TlsRequireClientCert { get; init; }

    /// <summary><c>max_request_size</c> in bytes (Vault's default 32 MiB); negative: no limit.</summary>
    public long MaxRequestSize { get; init; } = PluginHostHttpOptions.DefaultMaxRequestBodyBytes;

    /// <summary><c>max_request_duration</c> (Vault's default 90 s).</summary>
    public TimeSpan MaxRequestDuration { get; init; } = PluginHostHttpOptions.DefaultMaxRequestDuration;

    /// <summary><c>max_connections</c>: connections served at once.</summary>
    public long MaxConnections { get; init; } = DefaultMaxConnections;

    /// <summary><c>max_buffered_request_size</c>: bytes of request bodies held at once, across requests.</summary>
    public long MaxBufferedRequestSize { get; init; } = PluginHostHttpOptions.DefaultMaxBufferedRequestBodyBytes;

    /// <summary>Whether the listener serves HTTPS.</summary>
    public bool UsesTls => TlsCertFile is not null && TlsDisable != true;
}
