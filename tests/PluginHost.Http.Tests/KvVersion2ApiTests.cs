using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PluginHost.Http.Tests;

/// <summary>
/// kv version 2 over Vault's HTTP API: the mount forms (<c>kv-v2</c>, <c>options.version</c>), PATCH as a JSON merge
/// patch and its content type, the 404 that carries a deleted version's metadata, the version tune rules, the
/// <c>patch</c> capability, and the kv CLI's preflight path.
/// </summary>
[TestClass]
public sealed class KvVersion2ApiTests
{
    private static async Task<ApiServer> WithKvV2Async()
    {
        var server = await ApiServer.StartAsync();
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/secret", """{"type":"kv-v2"}"""));
        return server;
    }

    private static async Task<string> TokenAsync(ApiServer server, string policy)
    {
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "sys/policies/acl/p", JsonSerializer.Serialize(new { policy })));
        var created = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("POST", "auth/token/create", """{"policies":["p"]}"""));
        return created.GetProperty("auth").GetProperty("client_token").GetString()!;
    }

    private static async Task<HttpResponseMessage> PatchAsync(ApiServer server, string? token, string path, string json, string? contentType = "application/merge-patch+json")
    {
        using var client = server.AnonymousClient();
        var request = new HttpRequestMessage(HttpMethod.Patch, "/v1/" + path) { Content = new StringContent(json, Encoding.UTF8) };
        request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-Vault-Token", token ?? ApiServer.RootToken);
        return await client.SendAsync(request);
    }

    [TestMethod]
    public async Task KvV2Type_IsStoredAsKvWithVersionTwo_AndServesVersions()
    {
        await using var server = await WithKvV2Async();

        var mount = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/mounts/secret"));
        var written = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("POST", "secret/data/app", """{"data":{"a":"1"},"options":{"cas":0}}"""));
        var read = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "secret/data/app?version=1"));

        Assert.AreEqual("kv", mount.GetProperty("data").GetProperty("type").GetString());
        Assert.AreEqual("""{"version":"2"}""", mount.GetProperty("data").GetProperty("options").GetRawText());
        Assert.AreEqual(1, written.GetProperty("data").GetProperty("version").GetInt64());
        Assert.AreEqual("""{"a":"1"}""", read.GetProperty("data").GetProperty("data").GetRawText());
        Assert.AreEqual("kv", read.GetProperty("mount_type").GetString());
    }

    [TestMethod]
    public async Task ADeletedVersion_Is404_WithItsMetadataInTheEnvelope()
    {
        await using var server = await WithKvV2Async();
        await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("POST", "secret/data/app", """{"data":{"a":"1"}}"""));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("DELETE", "secret/data/app"));

        var deleted = await ApiServer.Expect(HttpStatusCode.NotFound, server.SendAsync("GET", "secret/data/app"));
        var missing = await ApiServer.Expect(HttpStatusCode.NotFound, server.SendAsync("GET", "secret/data/none"));
        var v1Style = await ApiServer.Expect(HttpStatusCode.NotFound, server.SendAsync("GET", "secret/app"));

        Assert.AreEqual(JsonValueKind.Null, deleted.GetProperty("data").GetProperty("data").ValueKind);
        Assert.AreNotEqual("", deleted.GetProperty("data").GetProperty("metadata").GetProperty("deletion_time").GetString());
        Assert.AreEqual("[]", missing.GetProperty("errors").GetRawText());
        StringAssert.StartsWith(v1Style.GetProperty("warnings")[0].GetString(), "Invalid path for a versioned K/V secrets engine.");
    }

    [TestMethod]
    public async Task Patch_IsAMergePatch_OnlyWithItsContentType()
    {
        await using var server = await WithKvV2Async();
        await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("POST", "secret/data/app", """{"data":{"a":"1","b":"2"}}"""));

        var patched = await PatchAsync(server, null, "secret/data/app", """{"data":{"b":null,"c":"3"}}""");
        var json = await PatchAsync(server, null, "secret/data/app", """{"data":{"d":"4"}}""", "application/json");
        var none = await PatchAsync(server, null, "secret/data/app", """{"data":{"d":"4"}}""", contentType: null);
        var missing = await PatchAsync(server, null, "secret/data/none", """{"data":{"d":"4"}}""");

        Assert.AreEqual(HttpStatusCode.OK, patched.StatusCode, await patched.Content.ReadAsStringAsync());
        var read = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "secret/data/app"));
        Assert.AreEqual("""{"a":"1","c":"3"}""", read.GetProperty("data").GetProperty("data").GetRawText());
        Assert.AreEqual(2, read.GetProperty("data").GetProperty("metadata").GetProperty("version").GetInt64());
        Assert.AreEqual(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        Assert.AreEqual("PATCH requires Content-Type of application/merge-patch+json, provided application/json", (await ApiServer.JsonOf(json)).GetProperty("errors")[0].GetString());
        Assert.AreEqual(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.AreEqual(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [TestMethod]
    public async Task Patch_NeedsThePatchCapability_UpdateIsNotEnough()
    {
        await using var server = await WithKvV2Async();
        await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("POST", "secret/data/app", """{"data":{"a":"1"}}"""));
        var updater = await TokenAsync(server, """path "secret/data/*" { capabilities = ["create", "read", "update"] }""");

        var refused = await PatchAsync(server, updater, "secret/data/app", """{"data":{"a":"2"}}""");
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "sys/policies/acl/p", JsonSerializer.Serialize(new { policy = """path "secret/data/*" { capabilities = ["patch"] }""" })));
        var allowed = await PatchAsync(server, updater, "secret/data/app", """{"data":{"a":"2"}}""");

        Assert.AreEqual(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.AreEqual(HttpStatusCode.OK, allowed.StatusCode, await allowed.Content.ReadAsStringAsync());
    }

    [TestMethod]
    public async Task VersionOption_UpgradesWithVaultsWarning_AndRefusesADowngradeOrAnUnknownVersion()
    {
        await using var server = await ApiServer.StartAsync();
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/old", """{"type":"kv"}"""));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "old/a", """{"x":"1"}"""));

        var upgraded = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("POST", "sys/mounts/old/tune", """{"options":{"version":"2"}}"""));
        Assert.AreEqual(
            "Upgrading mount from version 0 to version 2. This mount will be unavailable for a brief period and will resume service shortly.",
            upgraded.GetProperty("warnings")[0].GetString());

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        HttpResponseMessage read;
        while ((read = await server.SendAsync("GET", "old/data/a")).StatusCode != HttpStatusCode.OK)
        {
            StringAssert.Contains(await read.Content.ReadAsStringAsync(), "Upgrading from non-versioned to versioned data.");
            Assert.IsLessThan(deadline, DateTime.UtcNow, "the upgrade finishes");
            await Task.Delay(10);
        }

        Assert.AreEqual("""{"x":"1"}""", (await ApiServer.JsonOf(read)).GetProperty("data").GetProperty("data").GetRawText());
        var downgrade = await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsync("POST", "sys/mounts/old/tune", """{"options":{"version":"1"}}"""));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/old/tune", """{"options":{"version":""}}"""));
        var unknown = await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsync("POST", "sys/mounts/other", """{"type":"kv","options":{"version":"3"}}"""));

        StringAssert.StartsWith(downgrade.GetProperty("errors")[0].GetString(), "cannot downgrade mount from version 2");
        Assert.AreEqual("2", (await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/mounts/old/tune"))).GetProperty("data").GetProperty("options").GetProperty("version").GetString());
        StringAssert.StartsWith(unknown.GetProperty("errors")[0].GetString(), "invalid version provided: 3");
    }

    [TestMethod]
    public async Task Preflight_DescribesTheMount_OnlyToATokenWithAccessBelowIt()
    {
        await using var server = await WithKvV2Async();
        var reader = await TokenAsync(server, """path "secret/data/app/*" { capabilities = ["read"] }""");

        var described = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(reader, "GET", "sys/internal/ui/mounts/secret/app/db"));
        var anonymous = await ApiServer.Expect(HttpStatusCode.Forbidden, server.SendAsAsync(null, "GET", "sys/internal/ui/mounts/secret/app/db"));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "sys/policies/acl/p", JsonSerializer.Serialize(new { policy = """path "elsewhere/*" { capabilities = ["read"] }""" })));
        var refused = await ApiServer.Expect(HttpStatusCode.Forbidden, server.SendAsAsync(reader, "GET", "sys/internal/ui/mounts/secret/app/db"));
        var unmounted = await ApiServer.Expect(HttpStatusCode.Forbidden, server.SendAsync("GET", "sys/internal/ui/mounts/nomount/x"));
        var written = await ApiServer.Expect(HttpStatusCode.Forbidden, server.SendAsAsync(reader, "POST", "sys/internal/ui/mounts/secret/app", "{}"));

        Assert.AreEqual("secret/", described.GetProperty("data").GetProperty("path").GetString());
        Assert.AreEqual("2", described.GetProperty("data").GetProperty("options").GetProperty("version").GetString());
        Assert.AreEqual("preflight capability check returned 403, please ensure client's policies grant access to path \"secret/app/db/\"", refused.GetProperty("errors")[0].GetString());
        Assert.AreEqual(refused.GetRawText(), anonymous.GetRawText(), "no token is refused the same way");
        Assert.AreEqual("preflight capability check returned 403, please ensure client's policies grant access to path \"nomount/x/\"", unmounted.GetProperty("errors")[0].GetString());
        Assert.AreEqual("permission denied", written.GetProperty("errors")[0].GetString(), "only a read skips the usual check");
    }
}
