using System.Security.Cryptography.X509Certificates;

namespace PluginHost.Cli;

/// <summary>Checks a certificate against given CAs only, not the system's store: a private CA for servers or clients.</summary>
internal static class CertificateTrust
{
    /// <summary>Whether <paramref name="certificate"/> chains to one of <paramref name="trusted"/>.</summary>
    public static bool ChainsTo(X509Certificate2Collection trusted, X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
