using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>
/// Issue 14: a Vault config's <c>listener "tcp"</c> TLS keys serve the API over HTTPS, and client mode trusts the
/// server through <c>VAULT_CACERT</c> (or skips the check on <c>VAULT_SKIP_VERIFY</c>), with certificates made here.
/// </summary>
[TestClass]
public sealed class TlsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [TestMethod]
    public async Task TheGuide_OverHttps_WithTheCliTrustingTheServersCa()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        var pki = TestPki.Create(Path.Join(sandbox.Root, "tls"));
        sandbox.WriteConfig(Config(""));
        using var server = ServerProcess.Start(sandbox, "server", "-config=plugin-host.hcl");
        var address = await server.AddressAsync();
        StringAssert.StartsWith(address, "https://127.0.0.1:");
        await ClientModeAsync(sandbox, server, address, pki);
        sandbox.Environment["VAULT_CACERT"] = pki.CaFile;

        sandbox.EnableMock();
        sandbox.Run("write", "my-secrets-plugin/kv/foo", "value=bar").Is(0, "Key      Value\n---      -----\nvalue    bar\n");
        sandbox.Run("read", "-field=value", "my-secrets-plugin/kv/foo").Is(0, "bar");

        // Another CA's trust is not enough, nor is the system's store; skipping the check is, when asked for.
        sandbox.Environment["VAULT_CACERT"] = pki.OtherCaFile;
        var untrusted = sandbox.Run("read", "my-secrets-plugin/kv/foo");
        Assert.AreEqual(2, untrusted.ExitCode, untrusted.ToString());
        StringAssert.Contains(untrusted.Stderr, "The SSL connection could not be established", untrusted.ToString());
        sandbox.Environment.Remove("VAULT_CACERT");
        var system = sandbox.Run("read", "my-secrets-plugin/kv/foo");
        Assert.AreEqual(2, system.ExitCode, system.ToString());
        StringAssert.Contains(system.Stderr, "The remote certificate is invalid because of errors in the certificate chain", system.ToString());
        sandbox.Environment["VAULT_SKIP_VERIFY"] = "true";
        sandbox.Run("read", "-field=value", "my-secrets-plugin/kv/foo").Is(0, "bar");
    }

    [TestMethod]
    public async Task AClientCa_RefusesClientsWithoutItsCertificate()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        var pki = TestPki.Create(Path.Join(sandbox.Root, "tls"));
        sandbox.WriteConfig(Config("  tls_client_ca_file = \"tls/ca.pem\"\n  tls_require_and_verify_client_cert = true\n"));
        using var server = ServerProcess.Start(sandbox, "server", "-config=plugin-host.hcl");
        await ClientModeAsync(sandbox, server, await server.AddressAsync(), pki);
        sandbox.Environment["PLUGIN_HOST_CACERT"] = pki.CaFile;

        var refused = sandbox.Run("secrets", "list");
        Assert.AreEqual(2, refused.ExitCode, refused.ToString());

        sandbox.Environment["VAULT_CLIENT_CERT"] = pki.ClientFile;
        sandbox.Environment["VAULT_CLIENT_KEY"] = pki.ClientKeyFile;
        Assert.AreEqual(0, sandbox.Run("secrets", "list").ExitCode);
    }

    [TestMethod]
    public async Task Sighup_ServesARenewedCertificate_WithoutARestart()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        var pki = TestPki.Create(Path.Join(sandbox.Root, "tls"));
        sandbox.WriteConfig(Config(""));
        using var server = ServerProcess.Start(sandbox, "server", "-config=plugin-host.hcl");
        var port = new Uri(await server.AddressAsync()).Port;
        Assert.AreEqual("CN=127.0.0.1", await PresentedSubjectAsync(pki, port));

        pki.IssueServerCertificate("CN=renewed");
        Signal("HUP", server.Process.Id);
        await server.Stdout.WaitForAsync(l => l.Contains("reloaded the TLS certificate: CN=renewed", StringComparison.Ordinal), Wait);

        Assert.AreEqual("CN=renewed", await PresentedSubjectAsync(pki, port));
        Signal("TERM", server.Process.Id);
        Assert.IsTrue(server.Process.WaitForExit(Wait));
        Assert.AreEqual(0, server.Process.ExitCode);
    }

    [TestMethod]
    public void AKeyThatIsNotTheCertificates_StopsTheStartInOneLine()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        var pki = TestPki.Create(Path.Join(sandbox.Root, "tls"));
        File.Copy(pki.ClientKeyFile, pki.ServerKeyFile, overwrite: true);
        sandbox.WriteConfig(Config(""));

        var result = sandbox.Normalized(sandbox.Run("server", "-config=plugin-host.hcl"));

        Assert.AreEqual(1, result.ExitCode, result.ToString());
        StringAssert.StartsWith(result.Stderr, "Error initializing the server: tls_cert_file <root>/tls/server.pem with tls_key_file <root>/tls/server-key.pem cannot be loaded: ", result.ToString());
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr);
    }

    private static string Config(string extra) =>
        "plugin_directory = \"plugins\"\ndata_directory = \"data\"\nlog_level = \"info\"\n"
        + "listener \"tcp\" {\n  address = \"127.0.0.1:0\"\n  tls_cert_file = \"tls/server.pem\"\n  tls_key_file = \"tls/server-key.pem\"\n"
        + extra + "}\n";

    // The server starts sealed: initialized and unsealed over HTTPS (trusting the test's CA, with the client
    // certificate a client CA asks for), the CLI then talks to it as Vault's does.
    private static async Task ClientModeAsync(Sandbox sandbox, ServerProcess server, string address, TestPki pki)
    {
        using var handler = new SocketsHttpHandler();
        var ca = new X509Certificate2Collection();
        ca.ImportFromPemFile(pki.CaFile);
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => IsIssuedBy(ca, certificate);
        handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(pki.ClientFile, pki.ClientKeyFile)];
        var (rootToken, _) = await server.InitializeAsync(handler);
        sandbox.Environment["VAULT_ADDR"] = address;
        sandbox.Environment["VAULT_TOKEN"] = rootToken;
    }

    // Whether the test's CA (and only it) issued the presented certificate.
    private static bool IsIssuedBy(X509Certificate2Collection ca, X509Certificate? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(certificate));
    }

    // The subject of the certificate a new connection is served, checked against the test's CA only.
    private static async Task<string> PresentedSubjectAsync(TestPki pki, int port)
    {
        var ca = new X509Certificate2Collection();
        ca.ImportFromPemFile(pki.CaFile);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) => IsIssuedBy(ca, certificate));
        await tls.AuthenticateAsClientAsync("127.0.0.1");
        using var presented = new X509Certificate2(tls.RemoteCertificate!);
        return presented.Subject;
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
