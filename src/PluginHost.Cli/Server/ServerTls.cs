using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using PluginHost.Cli.Configuration;
using PluginHost.Cli.Output;

namespace PluginHost.Cli.Server;

/// <summary>
/// The listener's TLS, from Vault's <c>tls_*</c> keys: the server certificate (with any intermediates from the same
/// file), re-read on SIGHUP as Vault does so a renewed certificate needs no restart; the lowest TLS version; and the
/// CA that client certificates must chain to.
/// </summary>
internal sealed class ServerTls
{
    private readonly ListenerConfig _listener;
    private readonly X509Certificate2Collection? _clientCas;
    private volatile LoadedCertificate _current;

    private ServerTls(ListenerConfig listener, LoadedCertificate current, X509Certificate2Collection? clientCas)
    {
        _listener = listener;
        _current = current;
        _clientCas = clientCas;
    }

    /// <summary>The subject and expiry of the certificate served now, for the log.</summary>
    public string Describe => $"{_current.Leaf.Subject}, expires {_current.Leaf.NotAfter.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}";

    /// <summary>Reads the certificate, key and client CA files.</summary>
    /// <exception cref="ConfigException">A file is missing, unreadable, or not what its key says; the message names it.</exception>
    public static ServerTls Load(ListenerConfig listener)
    {
        var clientCas = listener.TlsClientCaFile is { } caFile ? ReadCertificates(caFile, "tls_client_ca_file") : null;
        return new ServerTls(listener, LoadCertificate(listener), clientCas);
    }

    /// <summary>Reads the certificate files again; on failure the one served so far stays.</summary>
    /// <exception cref="ConfigException">The new files cannot be used; nothing changed.</exception>
    public void Reload() => _current = LoadCertificate(_listener);

    /// <summary>Applies the settings to Kestrel's HTTPS defaults (used by the https:// listen URL).</summary>
    public void Configure(HttpsConnectionAdapterOptions https)
    {
        https.SslProtocols = _listener.TlsMinVersion == SslProtocols.Tls13 ? SslProtocols.Tls13 : SslProtocols.Tls12 | SslProtocols.Tls13;
        https.ServerCertificate = _current.Leaf;

        // Each handshake takes the certificate current then, so a reload reaches the next connection.
        https.OnAuthenticate = (_, options) => options.ServerCertificateContext = _current.Context;
        if (_clientCas is not null)
        {
            https.ClientCertificateMode = _listener.TlsRequireClientCert ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.AllowCertificate;
            https.ClientCertificateValidation = (certificate, _, _) => CertificateTrust.ChainsTo(_clientCas, certificate);
        }
    }

    private static LoadedCertificate LoadCertificate(ListenerConfig listener)
    {
        var certFile = listener.TlsCertFile!;
        var keyFile = listener.TlsKeyFile!;
        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new ConfigException($"tls_cert_file {certFile} with tls_key_file {keyFile} cannot be loaded: {FileError.Reason(error)}", error);
        }

        // The file may go on with intermediates, which clients need to build the chain.
        var all = ReadCertificates(certFile, "tls_cert_file");
        var intermediates = new X509Certificate2Collection();
        foreach (var certificate in all.Skip(1))
        {
            intermediates.Add(certificate);
        }

        return new LoadedCertificate(leaf, SslStreamCertificateContext.Create(leaf, intermediates, offline: true));
    }

    private static X509Certificate2Collection ReadCertificates(string file, string key)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(file);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ConfigException($"{key} {file} cannot be read: {FileError.Reason(error)}", error);
        }

        return certificates.Count > 0
            ? certificates
            : throw new ConfigException($"{key} {file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }

    private sealed record LoadedCertificate(X509Certificate2 Leaf, SslStreamCertificateContext Context);
}
