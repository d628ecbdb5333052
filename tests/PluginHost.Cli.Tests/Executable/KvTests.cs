using System.Text.RegularExpressions;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Cli.Tests.Executable;

/// <summary>
/// <c>plugin-host kv …</c> against a real <c>plugin-host server -dev</c> (kv version 2 at <c>secret/</c>, as Vault's dev
/// server) and in embedded mode: Vault's tables, texts and exit codes for versions, patches, soft deletes, metadata,
/// a version 1 mount, its upgrade, and the preflight refusals.
/// </summary>
[TestClass]
public sealed partial class KvTests
{

    [TestMethod]
    public async Task KvCommands_AgainstADevServer_PrintVaultsTables_AndKeepVersions()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        using var server = ServerProcess.StartDev(sandbox);
        var address = await server.AddressAsync();
        sandbox.Environment["PLUGIN_HOST_ADDR"] = address;
        sandbox.Environment["PLUGIN_HOST_TOKEN"] = ServerProcess.DevRootToken;

        Timeless(sandbox.Run("kv", "put", "secret/app", "user=app", "password=one")).Is(0, "= Secret Path =\nsecret/data/app\n\n" + Metadata(1));
        Timeless(sandbox.Run("kv", "put", "-mount=secret", "-cas=1", "app", "user=app", "password=two")).Is(0, "= Secret Path =\nsecret/data/app\n\n" + Metadata(2));
        sandbox.Run("kv", "put", "-cas=1", "secret/app", "password=x").Is(2, "", Refused("Error writing data to secret/data/app", address, "PUT", "secret/data/app", 400, "check-and-set parameter did not match the current version"));

        Timeless(sandbox.Run("kv", "get", "secret/app")).Is(0, "= Secret Path =\nsecret/data/app\n\n" + Metadata(2) + "\n" + """
            ====== Data ======
            Key         Value
            ---         -----
            password    two
            user        app

            """);
        sandbox.Run("kv", "get", "-version=1", "-field=password", "secret/app").Is(0, "one");
        sandbox.Run("kv", "get", "secret/none").Is(2, "", "No value found at secret/data/none\n");

        // A merge patch (HTTP PATCH), then Vault's read-then-write with a check-and-set.
        Timeless(sandbox.Run("kv", "patch", "secret/app", "role=ro")).Is(0, "= Secret Path =\nsecret/data/app\n\n" + Metadata(3));
        Timeless(sandbox.Run("kv", "patch", "-method=rw", "-remove-data=user", "secret/app")).Is(0, "= Secret Path =\nsecret/data/app\n\n" + Metadata(4));
        sandbox.Run("kv", "get", "-format=json", "-field=data", "secret/app").Is(0, "{\n  \"password\": \"two\",\n  \"role\": \"ro\"\n}");
        sandbox.Run("kv", "patch", "secret/none", "a=b").Is(2, "", Refused("Error writing data to secret/data/none", address, "PATCH", "secret/data/none", 404,
            "no secret at 'none' to patch: a patch changes an existing secret; write it first"));

        // A deleted version: Vault prints its metadata and no data, and succeeds.
        sandbox.Run("kv", "delete", "secret/app").Is(0, "Success! Data deleted (if it existed) at: secret/data/app\n");
        var deleted = Timeless(sandbox.Run("kv", "get", "secret/app"));
        Assert.AreEqual(0, deleted.ExitCode, deleted.ToString());
        StringAssert.Contains(deleted.Stdout, "deletion_time      <time>\ndestroyed          false\nversion            4\n\n");
        Assert.IsFalse(deleted.Stdout.Contains("Data ==", StringComparison.Ordinal), deleted.Stdout);
        sandbox.Run("kv", "undelete", "-versions=4", "secret/app").Is(0, "Success! Data written to: secret/undelete/app\n");
        sandbox.Run("kv", "get", "-field=role", "secret/app").Is(0, "ro");
        sandbox.Run("kv", "destroy", "-versions=1,2", "secret/app").Is(0, "Success! Data written to: secret/destroy/app\n");
        sandbox.Run("kv", "undelete", "secret/app").Is(1, "", "No versions provided, use the \"-versions\" flag to specify the version to undelete.\n");
        sandbox.Run("kv", "delete", "-versions=x", "secret/app").Is(1, "", "invalid value \"x\" for flag -versions: give version numbers such as -versions=1,2\n");

        sandbox.Run("kv", "metadata", "put", "-max-versions=3", "-custom-metadata=owner=ops", "secret/app").Is(0, "Success! Data written to: secret/metadata/app\n");
        var metadata = Timeless(sandbox.Run("kv", "metadata", "get", "secret/app"));
        Assert.AreEqual(0, metadata.ExitCode, metadata.ToString());
        StringAssert.StartsWith(metadata.Stdout, """
            == Metadata Path ==
            secret/metadata/app

            ========== Metadata ==========
            Key                     Value
            ---                     -----
            cas_required            false
            created_time            <time>
            current_version         4
            custom_metadata         map[owner:ops]
            delete_version_after    0s
            max_versions            3
            oldest_version          0
            updated_time            <time>

            ====== Version 1 ======
            Key              Value
            ---              -----
            created_time     <time>
            deletion_time    n/a
            destroyed        true

            """);
        StringAssert.EndsWith(metadata.Stdout, "====== Version 4 ======\nKey              Value\n---              -----\ncreated_time     <time>\ndeletion_time    n/a\ndestroyed        false\n");
        sandbox.Run("kv", "metadata", "patch", "-remove-custom-metadata=owner", "-cas-required=true", "secret/app").Is(0, "Success! Data written to: secret/metadata/app\n");
        sandbox.Run("kv", "metadata", "get", "-field=custom_metadata", "secret/app").Is(1, "", "Field \"custom_metadata\" not present in secret\n");
        sandbox.Run("kv", "put", "secret/app", "a=b").Is(2, "", Refused("Error writing data to secret/data/app", address, "PUT", "secret/data/app", 400, "check-and-set parameter required for this call"));

        // A token without the patch capability: Vault's CLI reads and writes back instead, and says what to add.
        sandbox.RunWithStdin("path \"secret/*\" {\n  capabilities = [\"create\", \"read\", \"update\"]\n}\n", "policy", "write", "rw", "-").Is(0, "Success! Uploaded policy: rw\n");
        var writer = sandbox.Run("token", "create", "-policy=rw", "-field=token");
        sandbox.Environment["PLUGIN_HOST_TOKEN"] = writer.Stdout;
        var fellBack = Timeless(sandbox.Run("kv", "patch", "secret/app", "fell=back"));
        Assert.AreEqual(0, fellBack.ExitCode, fellBack.ToString());
        Assert.AreEqual("Data was written to secret/data/app but we recommend that you add the \"patch\" capability to your ACL policy in order to use HTTP PATCH in the future.\n", fellBack.Stderr);
        StringAssert.Contains(fellBack.Stdout, "version            5\n");
        sandbox.Run("kv", "patch", "-method=patch", "secret/app", "a=b").Is(2, "", Refused("Error writing data to secret/data/app", address, "PATCH", "secret/data/app", 403, "permission denied"));
        sandbox.Environment["PLUGIN_HOST_TOKEN"] = ServerProcess.DevRootToken;

        Timeless(sandbox.Run("kv", "put", "secret/dir/one", "a=1")).Is(0, "=== Secret Path ===\nsecret/data/dir/one\n\n" + Metadata(1));
        sandbox.Run("kv", "list", "secret/").Is(0, "Keys\n----\napp\ndir/\n");
        sandbox.Run("kv", "list", "-mount=secret", "dir").Is(0, "Keys\n----\none\n");
        sandbox.Run("kv", "list", "secret/none").Is(2, "", "No value found at secret/metadata/none\n");
        sandbox.Run("kv", "metadata", "delete", "secret/app").Is(0, "Success! Data deleted (if it existed) at: secret/metadata/app\n");
        sandbox.Run("kv", "get", "secret/app").Is(2, "", "No value found at secret/data/app\n");
    }

    [TestMethod]
    public async Task KvCommands_OnAVersionOneMount_ThenUpgraded_AndWithoutAccess()
    {
        using var sandbox = new Sandbox(writeConfig: false);
        using var server = ServerProcess.StartDev(sandbox);
        var address = await server.AddressAsync();
        sandbox.Environment["PLUGIN_HOST_ADDR"] = address;
        sandbox.Environment["PLUGIN_HOST_TOKEN"] = ServerProcess.DevRootToken;

        sandbox.Run("secrets", "enable", "-path=old", "-version=1", "kv").Is(0, "Success! Enabled the kv secrets engine at: old/\n");
        sandbox.Run("kv", "put", "old/a", "x=1").Is(0, "Success! Data written to: old/a\n");
        sandbox.Run("kv", "put", "-mount=old", "dir/b", "y=2").Is(0, "Success! Data written to: old/dir/b\n");
        sandbox.Run("kv", "get", "old/a").Is(0, "== Data ==\nKey    Value\n---    -----\nx      1\n");
        sandbox.Run("kv", "patch", "old/a", "x=2").Is(2, "", "K/V engine mount must be version 2 for patch support\n");
        sandbox.Run("kv", "metadata", "get", "old/a").Is(1, "", "Metadata not supported on KV Version 1\n");
        sandbox.Run("kv", "destroy", "-versions=1", "old/a").Is(1, "", "Destroy not supported on KV Version 1\n");

        // The upgrade moves every key into version 2, as its version 1.
        sandbox.Run("kv", "enable-versioning", "old").Is(0, "Success! Tuned the secrets engine at: old/\n");
        await Eventually.TrueAsync(() => Task.FromResult(sandbox.Run("kv", "get", "-field=y", "old/dir/b").Stdout == "2"), "the upgrade moved old/dir/b");
        sandbox.Run("kv", "get", "-field=x", "old/a").Is(0, "1");
        sandbox.Run("kv", "metadata", "get", "-field=oldest_version", "old/a").Is(0, "1");
        sandbox.Run("secrets", "tune", "-options=version=1", "old").Is(2, "", Refused("Error tuning secrets engine old/", address, "PUT", "sys/mounts/old/tune", 400,
            "cannot downgrade mount from version 2: a kv version 2 mount keeps versions that version 1 cannot read; move the data to a new version 1 mount instead"));

        // A token with no access below a mount is refused before anything else, with Vault's preflight text.
        var token = sandbox.Run("token", "create", "-policy=default", "-field=token");
        sandbox.Environment["PLUGIN_HOST_TOKEN"] = token.Stdout;
        sandbox.Run("kv", "get", "secret/app").Is(2, "", Refused(null, address, "GET", "sys/internal/ui/mounts/secret/app", 403,
            "preflight capability check returned 403, please ensure client's policies grant access to path \"secret/app/\""));
    }

    [TestMethod]
    public void KvCommands_InEmbeddedMode_ReadWhatTheyWrote_AndADeletedVersionsMetadata()
    {
        using var sandbox = new Sandbox();
        sandbox.Run("secrets", "enable", "-path=secret", "kv-v2").Is(0, "Success! Enabled the kv-v2 secrets engine at: secret/\n");
        var put = sandbox.Run("kv", "put", "secret/app", "a=1");
        Assert.AreEqual(0, put.ExitCode, put.ToString());
        sandbox.Run("kv", "get", "-field=a", "secret/app").Is(0, "1");
        sandbox.Run("kv", "delete", "secret/app").Is(0, "Success! Data deleted (if it existed) at: secret/data/app\n");
        var deleted = Timeless(sandbox.Run("kv", "get", "secret/app"));
        Assert.AreEqual(0, deleted.ExitCode, deleted.ToString());
        StringAssert.Contains(deleted.Stdout, "deletion_time      <time>");
        sandbox.Run("kv", "patch", "secret/app", "a=2").Is(2, "", "Error writing data to secret/data/app: Error making API request.\n\nRequest: patch secret/data/app\nCode: 404. Errors:\n\n\n");
    }

    private static string Metadata(int version) => $"""
        ======= Metadata =======
        Key                Value
        ---                -----
        created_time       <time>
        custom_metadata    <nil>
        deletion_time      n/a
        destroyed          false
        version            {version}

        """;

    private static CliResult Timeless(CliResult result) =>
        result with { Stdout = Timestamp().Replace(result.Stdout, "<time>") };

    private static string Refused(string? prefix, string address, string method, string path, int status, string error) =>
        $"{(prefix is null ? "" : prefix + ": ")}Error making API request.\n\nURL: {method} {address}/v1/{path}\nCode: {status}. Errors:\n\n* {error}\n";

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")]
    private static partial Regex Timestamp();
}
