using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>
/// A certificate authority made for one test, with PEM files in a folder: <c>ca.pem</c>; a server certificate for
/// 127.0.0.1 and localhost (<c>server.pem</c>, <c>server-key.pem</c>); a client certificate (<c>client.pem</c>,
/// <c>client-key.pem</c>); and a second, unrelated CA (<c>other-ca.pem</c>) whose trust must not be enough.
/// </summary>
internal sealed class TestPki
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    private readonly X509Certificate2 _ca;

    private TestPki(string folder, X509Certificate2 ca)
    {
        Folder = folder;
        _ca = ca;
    }

    public string Folder { get; }

    public string CaFile => Path.Join(Folder, "ca.pem");

    public string OtherCaFile => Path.Join(Folder, "other-ca.pem");

    public string ServerFile => Path.Join(Folder, "server.pem");

    public string ServerKeyFile => Path.Join(Folder, "server-key.pem");

    public string ClientFile => Path.Join(Folder, "client.pem");

    public string ClientKeyFile => Path.Join(Folder, "client-key.pem");

    public static TestPki Create(string folder)
    {
        Directory.CreateDirectory(folder);
        var pki = new TestPki(folder, NewCa("CN=PluginHost Test CA"));
        File.WriteAllText(pki.CaFile, pki._ca.ExportCertificatePem());
        using var other = NewCa("CN=Some Other CA");
        File.WriteAllText(pki.OtherCaFile, other.ExportCertificatePem());
        pki.IssueServerCertificate("CN=127.0.0.1");
        pki.Issue("CN=plugin-host client", ClientAuth, san: null, pki.ClientFile, pki.ClientKeyFile);
        return pki;
    }

    /// <summary>Replaces the server's files with a new certificate for <paramref name="subject"/>.</summary>
    public void IssueServerCertificate(string subject)
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        Issue(subject, ServerAuth, names.Build(), ServerFile, ServerKeyFile);
    }

    private static X509Certificate2 NewCa(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7));
    }

    private void Issue(string subject, Oid usage, X509Extension? san, string certificateFile, string keyFile)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (san is not null)
        {
            request.CertificateExtensions.Add(san);
        }

        using var certificate = request.Create(_ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
    }
}
