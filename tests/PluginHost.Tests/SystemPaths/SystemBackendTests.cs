using System.Text.Json;
using PluginHost.Hosting;
using PluginHost.Tests.Catalog;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.SystemPaths;

/// <summary>Vault's sys/ paths through IPluginHost: what the CLI and the HTTP API send, with Vault's fields and data.</summary>
[TestClass]
public sealed class SystemBackendTests
{
    [TestMethod]
    public async Task Catalog_WriteReadListDelete_AsVaultsApi()
    {
        using var plugins = new PluginDirectory();
        var sha256 = plugins.Write("my-plugin", "#!/bin/sh\n");
        await using var test = TestHost.Create(o => o.PluginDirectory = plugins.Location);

        var written = await test.Host.WriteAsync("sys/plugins/catalog/secret/my-plugin", new { sha256, command = "my-plugin", args = new[] { "-x" }, env = new[] { "A=1" } });
        var read = await test.Host.ReadAsync("sys/plugins/catalog/secret/my-plugin");
        var listed = await test.Host.ListAsync("sys/plugins/catalog/secret");
        var overview = await test.Host.ReadAsync("sys/plugins/catalog");
        await test.Host.DeleteAsync("sys/plugins/catalog/secret/my-plugin");

        Assert.IsNull(written);
        Assert.AreEqual("my-plugin", read!.Data!["name"].GetString());
        Assert.AreEqual("my-plugin", read.Data["command"].GetString());
        Assert.AreEqual(sha256, read.Data["sha256"].GetString());
        Assert.AreEqual("""["-x"]""", read.Data["args"].GetRawText());
        Assert.IsFalse(read.Data["builtin"].GetBoolean());
        Assert.IsFalse(read.Data.ContainsKey("env"), "env may hold credentials: not answered, as in Vault");
        CollectionAssert.Contains(listed.ToArray(), "my-plugin");
        CollectionAssert.Contains(listed.ToArray(), "kv", "builtins are listed too");
        CollectionAssert.Contains(Strings(overview!.Data!["secret"]), "my-plugin");
        CollectionAssert.Contains(Strings(overview.Data["auth"]), "userpass");
        Assert.IsNull(await test.Host.GetCatalogEntryAsync("my-plugin"), "deregistered");
    }

    [TestMethod]
    public async Task Catalog_TypelessPaths_OfOlderGuides_RegisterReadAndDelete()
    {
        using var plugins = new PluginDirectory();
        var sha256 = plugins.Write("my-plugin", "#!/bin/sh\n");
        await using var test = TestHost.Create(o => o.PluginDirectory = plugins.Location);

        var noType = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await test.Host.WriteAsync("sys/plugins/catalog/my-plugin", new { sha256, command = "my-plugin" }));
        await test.Host.WriteAsync("sys/plugins/catalog/my-plugin", new { type = "secret", sha256, command = "my-plugin" });
        var read = await test.Host.ReadAsync("sys/plugins/catalog/my-plugin");
        var typed = await test.Host.ReadAsync("sys/plugins/catalog/secret/my-plugin");

        Assert.AreEqual(ErrorCode.BadRequest, noType.Code);
        Assert.AreEqual("give the plugin's type in the body ('type': secret, auth or database), or register it at sys/plugins/catalog/<type>/my-plugin", noType.Message);
        Assert.AreEqual(sha256, read!.Data!["sha256"].GetString());
        Assert.AreEqual(sha256, typed!.Data!["sha256"].GetString());
        Assert.IsNull(await test.Host.ReadAsync("sys/plugins/catalog/nothing-by-this-name"));

        // The same name under two types: the type-less path cannot tell which one is meant, and says so.
        await test.Host.WriteAsync("sys/plugins/catalog/auth/my-plugin", new { sha256, command = "my-plugin" });
        var ambiguous = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.ReadAsync("sys/plugins/catalog/my-plugin"));
        Assert.AreEqual("the catalog has a plugin named \"my-plugin\" of several types (secret, auth): name the type, sys/plugins/catalog/<type>/my-plugin", ambiguous.Message);
        await test.Host.DeleteAsync("sys/plugins/catalog/auth/my-plugin");

        await test.Host.DeleteAsync("sys/plugins/catalog/my-plugin");
        await test.Host.DeleteAsync("sys/plugins/catalog/my-plugin");
        Assert.IsNull(await test.Host.ReadAsync("sys/plugins/catalog/secret/my-plugin"), "deregistered; deleting it again succeeds");
    }

    [TestMethod]
    public async Task Catalog_Write_WithoutSha256_OrWithABadType_IsRefusedClearly()
    {
        await using var test = TestHost.Create();

        var missing = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await test.Host.WriteAsync("sys/plugins/catalog/secret/p", new { command = "p" }));
        var badType = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await test.Host.WriteAsync("sys/plugins/catalog/token/p", new { command = "p", sha256 = new string('a', 64) }));

        Assert.AreEqual("missing required field 'sha256'", missing.Message);
        Assert.AreEqual(ErrorCode.BadRequest, badType.Code);
        Assert.AreEqual("unknown plugin type \"token\": give secret, auth or database", badType.Message);
    }

    [TestMethod]
    public async Task Mounts_EnableReadTuneMoveDisable_AsVaultsApi()
    {
        await using var test = TestHost.Create();

        await test.Host.WriteAsync("sys/mounts/secret", new { type = "kv", description = "team secrets", config = new { default_lease_ttl = "1h" }, options = new { version = 1 } });
        var listed = await test.Host.ReadAsync("sys/mounts");
        var mount = listed!.Data!["secret/"];
        await test.Host.WriteAsync("sys/mounts/secret/tune", new { description = "renamed", max_lease_ttl = 7200 });
        var tuned = await test.Host.ReadAsync("sys/mounts/secret/tune");
        var moved = await test.Host.WriteAsync("sys/remount", new { from = "secret", to = "vault" });
        await test.Host.DeleteAsync("sys/mounts/vault");

        Assert.AreEqual("kv", mount.GetProperty("type").GetString());
        Assert.AreEqual("team secrets", mount.GetProperty("description").GetString());
        Assert.AreEqual(3600, mount.GetProperty("config").GetProperty("default_lease_ttl").GetInt64());
        Assert.AreEqual("1", mount.GetProperty("options").GetProperty("version").GetString());
        StringAssert.StartsWith(mount.GetProperty("accessor").GetString(), "kv_");
        Assert.AreEqual("", mount.GetProperty("running_sha256").GetString(), "a builtin has no binary");
        Assert.IsTrue(mount.TryGetProperty("running_plugin_version", out _));
        Assert.AreEqual("renamed", tuned!.Data!["description"].GetString());
        Assert.AreEqual(7200, tuned.Data["max_lease_ttl"].GetInt64());
        Assert.IsTrue(moved!.Data!.ContainsKey("migration_id"));
        Assert.IsEmpty(await test.Host.Mounts.ListAsync(BackendType.Secret));
    }

    [TestMethod]
    public async Task Auth_EnableListDisable_AndTheWrongTableIsRefusedInVaultsWords()
    {
        await using var test = TestHost.Create();

        await test.Host.WriteAsync("sys/auth/users", new { type = "userpass" });
        var listed = await test.Host.ReadAsync("sys/auth");
        var wrongTable = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.WriteAsync("sys/auth/kv", new { type = "kv" }));
        await test.Host.DeleteAsync("sys/auth/users");

        Assert.AreEqual("userpass", listed!.Data!["users/"].GetProperty("type").GetString());
        Assert.AreEqual("cannot mount 'kv' of type 'secret' as an auth method", wrongTable.Message);
        Assert.IsEmpty(await test.Host.Mounts.ListAsync(BackendType.Auth));
    }

    [TestMethod]
    public async Task Mounts_EnableWithoutType_BadDuration_OrUnknownPath_SayWhatIsWrong()
    {
        await using var test = TestHost.Create();

        var noType = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.WriteAsync("sys/mounts/x", new { description = "d" }));
        var badTtl = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await test.Host.WriteAsync("sys/mounts/x", new { type = "kv", config = new { default_lease_ttl = "soon" } }));
        var unknown = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.ReadAsync("sys/nothing"));
        var tuneMissing = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.ReadAsync("sys/mounts/none/tune"));

        StringAssert.StartsWith(noType.Message, "plugin name is empty");
        StringAssert.StartsWith(badTtl.Message, "invalid value for 'config.default_lease_ttl': \"soon\"");
        Assert.AreEqual(ErrorCode.NotFound, unknown.Code);
        Assert.AreEqual("unsupported path: nothing", unknown.Message);
        Assert.AreEqual("no mount at none/", tuneMissing.Message);
        Assert.IsEmpty(await test.Host.Mounts.ListAsync());
    }

    [TestMethod]
    public async Task Reload_ByPluginOrByMount_AnswersTheReloadedMounts()
    {
        await using var test = TestHost.Create();
        await test.Host.WriteAsync("sys/mounts/a", new { type = "kv" });
        await test.Host.WriteAsync("sys/mounts/b", new { type = "kv" });

        var byPlugin = await test.Host.WriteAsync("sys/plugins/reload/backend", new { plugin = "kv" });
        var byMount = await test.Host.WriteAsync("sys/plugins/reload/backend", new { mounts = new[] { "b" } });
        var neither = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.WriteAsync("sys/plugins/reload/backend", new { type = "secret" }));
        var global = await test.Host.WriteAsync("sys/plugins/reload/backend", new { plugin = "kv", scope = "global" });
        var badScope = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.WriteAsync("sys/plugins/reload/backend", new { plugin = "kv", scope = "cluster" }));

        CollectionAssert.AreEquivalent(new[] { "a/", "b/" }, Strings(byPlugin!.Data!["mounts"]));
        CollectionAssert.AreEqual(new[] { "b/" }, Strings(byMount!.Data!["mounts"]));
        Assert.IsFalse(string.IsNullOrEmpty(byPlugin.Data["reload_id"].GetString()));
        StringAssert.StartsWith(neither.Message, "give either 'plugin'");
        CollectionAssert.AreEquivalent(new[] { "a/", "b/" }, Strings(global!.Data!["mounts"]));
        Assert.AreEqual(ErrorCode.BadRequest, badScope.Code);
        StringAssert.StartsWith(badScope.Message, "scope 'cluster' is not one this endpoint knows: omit it, or give 'global'");
    }

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();
}

/// <summary>Small helpers for the system path tests.</summary>
internal static class SystemPathTestExtensions
{
    public static Task<PluginHost.Catalog.CatalogEntry?> GetCatalogEntryAsync(this IPluginHost host, string name) =>
        host.Catalog.GetAsync(BackendType.Secret, name);
}
