namespace PluginHost.Cli.Tests.Executable;

/// <summary>
/// <c>lease lookup|renew|revoke</c> against a real <c>plugin-host server -dev</c>: Vault's errors and exit codes for a
/// lease that does not exist, and <c>revoke -prefix</c>/<c>-force</c> refused without sudo. (A lease's whole life, with
/// the database engine and PostgreSQL, is in <see cref="DatabaseTests"/>; the commands' output against a fake host in the unit tests.)
/// </summary>
[TestClass]
public sealed class LeaseTests
{
    private const string ForceWarning = "Warning! Force-removing leases can cause Vault to become out of sync with\nsecret engines!\n";

    [TestMethod]
    public async Task LeaseCommands_AgainstADevServer_GiveVaultsErrorsAndExitCodes_AndPrefixNeedsSudo()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        using var server = ServerProcess.StartDev(sandbox);
        var address = await server.AddressAsync();
        sandbox.Environment["PLUGIN_HOST_ADDR"] = address;
        sandbox.Environment["PLUGIN_HOST_TOKEN"] = ServerProcess.DevRootToken;

        sandbox.Run("lease", "lookup", "nope/abc").Is(2, "", Refused("error looking up lease id nope/abc", address, "sys/leases/lookup", 400, "invalid lease"));
        sandbox.Run("lease", "renew", "-increment=1h", "nope/abc").Is(2, "", Refused("Error renewing nope/abc", address, "sys/leases/renew", 400, "invalid lease"));

        // Revoking what does not exist is nothing to do, as in Vault.
        sandbox.Run("lease", "revoke", "nope/abc").Is(0, "All revocation operations queued successfully!\n");
        sandbox.Run("lease", "revoke", "-sync", "nope/abc").Is(0, "Success! Revoked lease: nope/abc\n");
        sandbox.Run("lease", "revoke", "-prefix", "-sync", "nope").Is(0, "Success! Revoked any leases with prefix: nope\n");
        sandbox.Run("lease", "revoke", "-force", "-prefix", "nope").Is(0, "Success! Force revoked any leases with prefix: nope\n", ForceWarning);

        // Every capability on sys/leases/ but sudo: a single lease yes, a prefix no.
        sandbox.RunWithStdin("path \"sys/leases/*\" {\n  capabilities = [\"update\"]\n}\n", "policy", "write", "leases", "-").Is(0, "Success! Uploaded policy: leases\n");
        var token = sandbox.Run("token", "create", "-policy=leases", "-field=token");
        Assert.AreEqual(0, token.ExitCode, token.ToString());
        sandbox.Environment["PLUGIN_HOST_TOKEN"] = token.Stdout;

        sandbox.Run("lease", "revoke", "-sync", "nope/abc").Is(0, "Success! Revoked lease: nope/abc\n");
        sandbox.Run("lease", "revoke", "-prefix", "nope").Is(
            2, "", Refused("Error revoking leases with prefix nope", address, "sys/leases/revoke-prefix/nope", 403, "permission denied"));
        sandbox.Run("lease", "revoke", "-force", "-prefix", "nope").Is(
            2, "", ForceWarning + Refused("Error force revoking leases with prefix nope", address, "sys/leases/revoke-force/nope", 403, "permission denied"));
    }

    private static string Refused(string prefix, string address, string path, int status, string error) =>
        $"{prefix}: Error making API request.\n\nURL: PUT {address}/v1/{path}\nCode: {status}. Errors:\n\n* {error}\n";
}
