using System.Net;
using System.Text.Json;

namespace PluginHost.Http.Tests;

/// <summary>Every system route of the issue over HTTP, with each method it takes, its status and its body.</summary>
[TestClass]
public sealed class SystemRouteTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [TestMethod]
    public async Task Catalog_ReadListRegisterDeregister()
    {
        await using var server = await ApiServer.StartAsync();

        var catalog = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/plugins/catalog"));
        CollectionAssert.Contains(catalog.GetProperty("data").GetProperty("secret").EnumerateArray().Select(e => e.GetString()).ToArray(), "kv");
        CollectionAssert.Contains(catalog.GetProperty("data").GetProperty("auth").EnumerateArray().Select(e => e.GetString()).ToArray(), "userpass");

        var all = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("LIST", "sys/plugins/catalog"));
        var names = all.GetProperty("data").GetProperty("keys").EnumerateArray().Select(e => e.GetString()).ToArray();
        CollectionAssert.IsSubsetOf(new[] { "kv", "userpass" }, names);
        var listed = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("LIST", "sys/plugins/catalog/secret"));
        CollectionAssert.Contains(listed.GetProperty("data").GetProperty("keys").EnumerateArray().Select(e => e.GetString()).ToArray(), "kv");
        await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/plugins/catalog/auth?list=true"));

        var kv = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/plugins/catalog/secret/kv"));
        Assert.IsTrue(kv.GetProperty("data").GetProperty("builtin").GetBoolean());
        Assert.IsFalse(kv.TryGetProperty("kv", out _), "sys/plugins answers are not repeated at the top level");

        // Registering needs a plugin directory; without one the host says where to set it, and nothing is stored.
        var refused = await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsync("PUT", "sys/plugins/catalog/secret/mine", $$"""{"sha256":"{{Sha}}","command":"mine"}"""));
        StringAssert.Contains(refused.GetProperty("errors")[0].GetString(), "plugin directory");
        await ApiServer.Expect(HttpStatusCode.NotFound, server.SendAsync("GET", "sys/plugins/catalog/secret/mine"));
        var missingSha = await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsync("POST", "sys/plugins/catalog/secret/mine", """{"command":"mine"}"""));
        StringAssert.Contains(missingSha.GetProperty("errors")[0].GetString(), "sha256");

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("DELETE", "sys/plugins/catalog/secret/mine"));
    }

    [TestMethod]
    public async Task ReloadBackend_ByPlugin_AnswersItsReloadId_AndNeedsAPluginOrMounts()
    {
        await using var server = await ApiServer.StartAsync();
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/secret", """{"type":"kv"}"""));

        var reloaded = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("PUT", "sys/plugins/reload/backend", """{"plugin":"kv"}"""));

        Assert.AreEqual(reloaded.GetProperty("request_id").GetString(), reloaded.GetProperty("data").GetProperty("reload_id").GetString());
        Assert.AreEqual("""["secret/"]""", reloaded.GetProperty("data").GetProperty("mounts").GetRawText());
        await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsync("PUT", "sys/plugins/reload/backend", "{}"));
    }

    [TestMethod]
    public async Task Mounts_TakeTheFieldsVaultClientsSend_AnsweringNoContent_AndKeepThem()
    {
        await using var server = await ApiServer.StartAsync();

        // What Vault clients send on enable (here the older type=plugin form); nothing is ignored, so no warning.
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/team", """
            {"type":"plugin","plugin_name":"kv","description":"d","local":true,"seal_wrap":true,"external_entropy_access":true,
             "options":{"version":"1"},"config":{"default_lease_ttl":"1h"},"plugin_version":""}
            """));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/auth/other", """{"type":"userpass","local":true,"seal_wrap":false}"""));
        var missing = await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsync("POST", "sys/mounts/bad", """{"type":"plugin"}"""));

        var team = (await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/mounts"))).GetProperty("data").GetProperty("team/");
        Assert.AreEqual("kv", team.GetProperty("type").GetString());
        Assert.IsTrue(team.GetProperty("local").GetBoolean());
        Assert.IsTrue(team.GetProperty("seal_wrap").GetBoolean());
        Assert.IsTrue(team.GetProperty("external_entropy_access").GetBoolean());
        var other = (await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/auth"))).GetProperty("data").GetProperty("other/");
        Assert.IsTrue(other.GetProperty("local").GetBoolean());
        Assert.IsFalse(other.GetProperty("seal_wrap").GetBoolean());
        StringAssert.StartsWith(missing.GetProperty("errors")[0].GetString(), "plugin_name must be provided for plugin backend");
    }

    [TestMethod]
    public async Task Mounts_KeepVaultsOtherConfigSettings_FromEnableAndTune_AndCheckListingVisibility()
    {
        await using var server = await ApiServer.StartAsync();

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/team", """
            {"type":"kv","config":{"max_lease_ttl":"2h","listing_visibility":"unauth","passthrough_request_headers":"X-A,X-B",
             "audit_non_hmac_request_keys":["password"],"force_no_cache":true}}
            """));
        var tuned = await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/team/tune", """{"allowed_response_headers":["X-C"],"listing_visibility":"hidden"}"""));
        var badEnable = await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsync("POST", "sys/mounts/bad", """{"type":"kv","config":{"listing_visibility":"public"}}"""));
        var badTune = await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsync("POST", "sys/mounts/team/tune", """{"listing_visibility":"public"}"""));

        var config = (await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/mounts"))).GetProperty("data").GetProperty("team/").GetProperty("config");
        var tune = (await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/mounts/team/tune"))).GetProperty("data");

        Assert.AreEqual(7200, config.GetProperty("max_lease_ttl").GetInt64());
        Assert.AreEqual("hidden", config.GetProperty("listing_visibility").GetString(), "the tune replaced it; the refused tune changed nothing");
        Assert.AreEqual("""["X-A","X-B"]""", config.GetProperty("passthrough_request_headers").GetRawText());
        Assert.AreEqual("""["password"]""", config.GetProperty("audit_non_hmac_request_keys").GetRawText());
        Assert.AreEqual("""["X-C"]""", config.GetProperty("allowed_response_headers").GetRawText());
        Assert.IsTrue(config.GetProperty("force_no_cache").GetBoolean());
        Assert.AreEqual("hidden", tune.GetProperty("listing_visibility").GetString());
        Assert.AreEqual("""["X-C"]""", tune.GetProperty("allowed_response_headers").GetRawText());
        Assert.AreEqual(JsonValueKind.Undefined, tuned.ValueKind, "204, no warning");
        StringAssert.StartsWith(badEnable.GetProperty("errors")[0].GetString(), "invalid listing_visibility \"public\"");
        StringAssert.StartsWith(badTune.GetProperty("errors")[0].GetString(), "invalid listing_visibility \"public\"");
    }

    [TestMethod]
    public async Task Mounts_EnableReadTuneRemountDisable()
    {
        await using var server = await ApiServer.StartAsync();

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/team", """{"type":"kv","description":"team secrets"}"""));
        var taken = await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsync("POST", "sys/mounts/team", """{"type":"kv"}"""));
        StringAssert.Contains(taken.GetProperty("errors")[0].GetString(), "team/");

        var mount = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/mounts/team"));
        Assert.AreEqual("kv", mount.GetProperty("type").GetString(), "repeated at the top level, as Vault does for sys/mounts/…");
        Assert.AreEqual("team secrets", mount.GetProperty("data").GetProperty("description").GetString());
        foreach (var field in (string[])["type", "description", "accessor", "uuid", "config", "options", "plugin_version", "local", "seal_wrap"])
        {
            Assert.IsTrue(mount.GetProperty("data").TryGetProperty(field, out _), field);
        }

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/team/tune", """{"default_lease_ttl":"1h"}"""));
        var tune = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/mounts/team/tune"));
        Assert.AreEqual(3600, tune.GetProperty("data").GetProperty("default_lease_ttl").GetInt32());

        var moved = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("POST", "sys/remount", """{"from":"team","to":"crew"}"""));
        Assert.IsTrue(moved.TryGetProperty("migration_id", out _), "sys/remount repeats its data at the top level");
        await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/mounts/crew"));

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("DELETE", "sys/mounts/crew"));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("DELETE", "sys/mounts/crew"));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/auth/people", """{"type":"userpass"}"""));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/auth/people/tune", """{"max_lease_ttl":"2h"}"""));
        Assert.AreEqual(7200, (await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/auth/people/tune"))).GetProperty("data").GetProperty("max_lease_ttl").GetInt32());
        var mounts = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/mounts"));
        Assert.IsFalse(mounts.TryGetProperty("crew/", out _));
    }

    [TestMethod]
    public async Task Auth_EnableListDisable()
    {
        await using var server = await ApiServer.StartAsync();

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/auth/people", """{"type":"userpass"}"""));
        var wrongType = await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsync("POST", "sys/auth/secrets", """{"type":"kv"}"""));
        Assert.AreEqual("cannot mount 'kv' of type 'secret' as an auth method", wrongType.GetProperty("errors")[0].GetString());

        var auth = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/auth"));
        Assert.AreEqual("userpass", auth.GetProperty("people/").GetProperty("type").GetString());
        Assert.AreEqual("userpass", auth.GetProperty("data").GetProperty("people/").GetProperty("type").GetString());

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("DELETE", "sys/auth/people"));
        Assert.IsFalse((await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/auth"))).GetProperty("data").TryGetProperty("people/", out _));
    }

    [TestMethod]
    public async Task UnknownSysPath_Is404()
    {
        await using var server = await ApiServer.StartAsync();

        var body = await ApiServer.Expect(HttpStatusCode.NotFound, server.SendAsync("GET", "sys/nothing-here"));

        StringAssert.Contains(body.GetProperty("errors")[0].GetString(), "unsupported path");
    }
}
