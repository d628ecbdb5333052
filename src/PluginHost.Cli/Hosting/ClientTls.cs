using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PluginHost.Cli.Output;
using PluginHost.Cli.Requests;

namespace PluginHost.Cli.Hosting;

/// <summary>
/// Client mode's TLS, from Vault's variables (each also as <c>PLUGIN_HOST_…</c>, which wins): <c>VAULT_CACERT</c> (a
/// PEM file of CAs) or <c>VAULT_CAPATH</c> (a directory of them) to trust instead of the system's store,
/// <c>VAULT_CLIENT_CERT</c> + <c>VAULT_CLIENT_KEY</c> to present, <c>VAULT_TLS_SERVER_NAME</c> to expect, and
/// <c>VAULT_SKIP_VERIFY</c> to trust any server certificate (for tests only).
/// </summary>
internal static class ClientTls
{
    /// <summary>A handler with the TLS the environment asks for.</summary>
    /// <exception cref="TargetUnavailableException">A variable names a file that cannot be used; the message names both.</exception>
    public static SocketsHttpHandler Handler(CliEnvironment environment)
    {
        var handler = new SocketsHttpHandler();
        var skipVerify = Variable(environment, "SKIP_VERIFY") is ({ } skipName, { } skip) && IsTrue(skipName, skip);
        var trusted = TrustedCas(environment);
        var serverName = Variable(environment, "TLS_SERVER_NAME")?.Value;
        if (serverName is not null)
        {
            handler.SslOptions.TargetHost = serverName;
        }

        if (skipVerify)
        {
            // What VAULT_SKIP_VERIFY asks for, by name: any certificate is accepted.
#pragma warning disable CA5359
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (trusted is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                certificate is not null && ChainsTo(trusted, certificate) && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
        }

        if (ClientCertificate(environment) is { } certificate)
        {
            handler.SslOptions.ClientCertificates = [certificate];
        }

        return handler;
    }

    // PLUGIN_HOST_X, else VAULT_X: the name that was set (for messages) and its value.
    private static (string Name, string Value)? Variable(CliEnvironment environment, string suffix)
    {
        foreach (var name in (string[])[$"PLUGIN_HOST_{suffix}", $"VAULT_{suffix}"])
        {
            if (environment.GetVariable(name) is { Length: > 0 } value)
            {
                return (name, value);
            }
        }

        return null;
    }

    // Go's strconv.ParseBool, as Vault reads VAULT_SKIP_VERIFY.
    private static bool IsTrue(string name, string value) => value switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => throw new TargetUnavailableException($"{name}='{Echo.Of(value)}' is not true or false"),
    };

    private static X509Certificate2Collection? TrustedCas(CliEnvironment environment)
    {
        var trusted = new X509Certificate2Collection();
        if (Variable(environment, "CACERT") is var (fileName, file))
        {
            Import(trusted, fileName, Path.GetFullPath(file, environment.CurrentDirectory));
        }
        else if (Variable(environment, "CAPATH") is var (directoryName, directory))
        {
            var full = Path.GetFullPath(directory, environment.CurrentDirectory);
            if (!Directory.Exists(full))
            {
                throw new TargetUnavailableException($"{directoryName}='{Echo.Of(directory)}' is not a directory");
            }

            foreach (var pem in Directory.EnumerateFiles(full).Order(StringComparer.Ordinal))
            {
                Import(trusted, directoryName, pem);
            }
        }
        else
        {
            return null;
        }

        return trusted.Count > 0 ? trusted : throw new TargetUnavailableException($"the CA certificates named by {(Variable(environment, "CACERT") ?? Variable(environment, "CAPATH"))!.Value.Name} hold no PEM certificate");
    }

    private static void Import(X509Certificate2Collection into, string variable, string file)
    {
        try
        {
            into.ImportFromPemFile(file);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new TargetUnavailableException($"{variable}: {Echo.Of(file)} cannot be read: {FileError.Reason(error)}", error);
        }
    }

    private static X509Certificate2? ClientCertificate(CliEnvironment environment)
    {
        var certificate = Variable(environment, "CLIENT_CERT");
        var key = Variable(environment, "CLIENT_KEY");
        if (certificate is null && key is null)
        {
            return null;
        }

        if (certificate is not var (certificateName, certificateFile) || key is not var (keyName, keyFile))
        {
            throw new TargetUnavailableException("a client certificate needs both VAULT_CLIENT_CERT and VAULT_CLIENT_KEY (or their PLUGIN_HOST_ forms)");
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(
                Path.GetFullPath(certificateFile, environment.CurrentDirectory), Path.GetFullPath(keyFile, environment.CurrentDirectory));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new TargetUnavailableException($"{certificateName} with {keyName} cannot be loaded: {FileError.Reason(error)}", error);
        }
    }

    // Only the given CAs are trusted, not the system's store, as Vault does with VAULT_CACERT.
    private static bool ChainsTo(X509Certificate2Collection trusted, X509Certificate certificate)
    {
        using var presented = new X509Certificate2(certificate);
        return CertificateTrust.ChainsTo(trusted, presented);
    }
}
