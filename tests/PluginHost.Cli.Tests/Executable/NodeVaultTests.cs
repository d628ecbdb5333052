using System.Diagnostics;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>
/// node-vault 0.12.0, an existing Vault API client library for Node.js, used unchanged: HashiCorp's plugin guide
/// against <c>plugin-host server -dev</c> with the real mock plugin (<c>NodeVault/guide.js</c>), and the seal's calls
/// against a server started from a config file (<c>NodeVault/seal.js</c>). Needs node and npm, and the npm registry to
/// install node-vault; without them the tests are inconclusive, not passed.
/// </summary>
[TestClass]
public sealed class NodeVaultTests
{
    [TestMethod]
    public async Task NodeVault_RunsTheGuideUnchanged()
    {
        var client = await InstallNodeVaultAsync();
        try
        {
            using var sandbox = new Sandbox(writeConfig: false);
            using var server = ServerProcess.StartDev(sandbox);
            var address = await server.AddressAsync();

            var guide = await RunAsync(
                "node",
                ["guide.js"],
                client,
                new()
                {
                    ["VAULT_ADDR"] = address,
                    ["VAULT_TOKEN"] = ServerProcess.DevRootToken,
                    ["PLUGIN"] = Path.Join(sandbox.Plugins, "my-mock-plugin"),
                    ["AUDIT_LOG"] = Path.Join(client, "audit.log"),
                },
                TimeSpan.FromMinutes(1));

            Assert.IsNotNull(guide, "node not found, though npm was");
            Assert.AreEqual(0, guide.Value.ExitCode, guide.Value.Output);
            Assert.AreEqual(
                """
                health initialized=true
                mounts ["my-secrets-plugin/","secret/"]
                write {"value":"bar"}
                read {"value":"bar"}
                list {"keys":["foo"]}
                read after delete 404
                login ["default","dev"]
                lookup-self userpass-alice
                login token on sys/mounts 403 permission denied
                policy path "my-secrets-plugin/*" { capabilities = ["read", "list"] }
                policies ["default","reader","root"]
                audits ["file/"]
                capabilities-self ["root"]
                policies ["default","root"]
                unmounted

                """,
                guide.Value.Output);

            // The audit device recorded node-vault's requests while it was enabled, tokens hashed.
            var audit = await File.ReadAllTextAsync(Path.Join(client, "audit.log"));
            StringAssert.Contains(audit, "\"path\":\"sys/capabilities-self\"");
            Assert.IsFalse(audit.Contains($"\"client_token\":\"{ServerProcess.DevRootToken}\"", StringComparison.Ordinal), "the root token is hashed in the audit log");
            StringAssert.Contains(audit, "\"client_token\":\"hmac-sha256:");
        }
        finally
        {
            Directory.Delete(client, recursive: true);
        }
    }

    [TestMethod]
    public async Task NodeVault_KvVersion2_AgainstTheDevServersSecretMount_Unchanged()
    {
        var client = await InstallNodeVaultAsync();
        try
        {
            using var sandbox = new Sandbox(writeConfig: false);
            using var server = ServerProcess.StartDev(sandbox);
            var address = await server.AddressAsync();

            var kv = await RunAsync("node", ["kvv2.js"], client, new() { ["VAULT_ADDR"] = address, ["VAULT_TOKEN"] = ServerProcess.DevRootToken }, TimeSpan.FromMinutes(1));

            Assert.IsNotNull(kv, "node not found, though npm was");
            Assert.AreEqual(0, kv.Value.ExitCode, kv.Value.Output);
            Assert.AreEqual(
                """
                write version=1 destroyed=false deletion_time=""
                write cas=1 version=2
                write cas=1 again 400 check-and-set parameter did not match the current version
                read {"password":"two","user":"app"} version=2
                read version=1 {"password":"one"}
                patch version=3
                after patch {"password":"two","role":"ro"}
                read after delete 404 Status 404
                undeleted {"password":"two","role":"ro"}
                read destroyed version 404 Status 404
                metadata current=3 max=5 custom={"owner":"ops"} versions=["1","2","3"] destroyed1=true
                list ["api","db"]
                read after metadata delete 404 Status 404
                list after ["api"]

                """,
                kv.Value.Output);
        }
        finally
        {
            Directory.Delete(client, recursive: true);
        }
    }

    [TestMethod]
    public async Task NodeVault_InitializesUnsealsAndSealsAConfigServer()
    {
        var client = await InstallNodeVaultAsync();
        try
        {
            using var sandbox = new Sandbox(writeConfig: false);
            sandbox.WriteConfig("plugin_directory = \"plugins\"\ndata_directory = \"data\"\nlistener \"tcp\" {\n  address = \"127.0.0.1:0\"\n}\n");
            using var server = ServerProcess.Start(sandbox, "server", "-config=plugin-host.hcl");
            var address = await server.AddressAsync();

            var seal = await RunAsync("node", ["seal.js"], client, new() { ["VAULT_ADDR"] = address }, TimeSpan.FromMinutes(1));

            Assert.IsNotNull(seal, "node not found, though npm was");
            Assert.AreEqual(0, seal.Value.ExitCode, seal.Value.Output);
            Assert.AreEqual(
                """
                initialized false
                status sealed=true t=0 n=0 progress=0
                init keys=3 keys_base64=3 root_token=true
                initialized true
                mounts while sealed 503 Vault is sealed
                unseal sealed=true t=2 n=3 progress=1
                unseal sealed=false t=2 n=3 progress=0
                mounts ["secret/"]
                sealed sealed=true t=2 n=3 progress=0
                read after seal 503 Vault is sealed
                unseal sealed=true t=2 n=3 progress=1
                unseal sealed=false t=2 n=3 progress=0
                read {"value":"bar"}

                """,
                seal.Value.Output);
        }
        finally
        {
            Directory.Delete(client, recursive: true);
        }
    }

    // A temporary directory with the scripts and node-vault installed from the lock file; inconclusive without npm.
    // DatabaseTests runs NodeVault/database.js with these against its own server and PostgreSQL.
    internal static async Task<string> InstallNodeVaultAsync()
    {
        var client = Directory.CreateTempSubdirectory("plugin-host-node-vault-").FullName;
        foreach (var file in (string[])["package.json", "package-lock.json", "guide.js", "seal.js", "database.js", "kvv2.js"])
        {
            File.Copy(Path.Join(AppContext.BaseDirectory, "NodeVault", file), Path.Join(client, file));
        }

        var install = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], client, [], TimeSpan.FromMinutes(3));
        if (install is null || install.Value.ExitCode != 0)
        {
            Directory.Delete(client, recursive: true);
            Assert.Inconclusive($"npm could not install node-vault here: {install?.Output ?? "npm not found"}");
        }

        return client;
    }

    // Runs a program to its end with a deadline; null when it is not installed.
    internal static async Task<(int ExitCode, string Output)?> RunAsync(
        string file, string[] arguments, string directory, Dictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return (-1, $"{file} did not finish within {timeout}");
            }

            return (process.ExitCode, (await output).ReplaceLineEndings("\n") + await error);
        }
    }
}
