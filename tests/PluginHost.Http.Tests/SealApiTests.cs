using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace PluginHost.Http.Tests;

/// <summary>
/// Vault's seal over HTTP, as its clients see it: <c>sys/init</c>, <c>sys/unseal</c> and <c>sys/seal-status</c> answer
/// bare objects without a token, everything else 503 <c>{"errors":["Vault is sealed"]}</c> while sealed, and
/// <c>sys/health</c> says 501, 503 or 200 with Vault's code overrides.
/// </summary>
[TestClass]
public sealed class SealApiTests
{
    [TestMethod]
    public async Task InitUnsealAndSeal_OverHttp_AnswerVaultsShapesAndStatuses()
    {
        await using var server = await ApiServer.StartAsync(services: s => s.AddPluginHost().UseShamirSeal());
        using var anonymous = server.AnonymousClient();

        var uninitialized = await anonymous.GetAsync("/v1/sys/health");
        Assert.AreEqual(HttpStatusCode.NotImplemented, uninitialized.StatusCode);
        var health = await ApiServer.JsonOf(uninitialized);
        Assert.IsFalse(health.GetProperty("initialized").GetBoolean());
        Assert.IsTrue(health.GetProperty("sealed").GetBoolean());
        Assert.AreEqual(HttpStatusCode.OK, (await anonymous.GetAsync("/v1/sys/health?uninitcode=200")).StatusCode);
        Assert.IsFalse((await ApiServer.Expect(HttpStatusCode.OK, anonymous.GetAsync("/v1/sys/init"))).GetProperty("initialized").GetBoolean());

        var status = await ApiServer.Expect(HttpStatusCode.OK, anonymous.GetAsync("/v1/sys/seal-status"));
        Assert.IsFalse(status.TryGetProperty("data", out _), "a bare object, not Vault's envelope");
        Assert.AreEqual("shamir", status.GetProperty("type").GetString());
        foreach (var field in new[] { "initialized", "sealed", "t", "n", "progress", "nonce", "version", "build_date", "migration", "recovery_seal", "storage_type" })
        {
            Assert.IsTrue(status.TryGetProperty(field, out _), field);
        }

        var sealedRead = await server.Client.GetAsync("/v1/secret/anything");
        Assert.AreEqual(HttpStatusCode.ServiceUnavailable, sealedRead.StatusCode);
        Assert.AreEqual("""{"errors":["Vault is sealed"]}""", (await sealedRead.Content.ReadAsStringAsync()).Trim());

        var init = await ApiServer.Expect(HttpStatusCode.OK, anonymous.PutAsJsonAsync("/v1/sys/init", new { secret_shares = 3, secret_threshold = 2 }));
        Assert.AreEqual(3, init.GetProperty("keys").GetArrayLength());
        Assert.AreEqual(3, init.GetProperty("keys_base64").GetArrayLength());
        var rootToken = init.GetProperty("root_token").GetString()!;
        var twice = await anonymous.PutAsJsonAsync("/v1/sys/init", new { secret_shares = 1, secret_threshold = 1 });
        Assert.AreEqual(HttpStatusCode.BadRequest, twice.StatusCode);
        Assert.AreEqual("Vault is already initialized", (await ApiServer.JsonOf(twice)).GetProperty("errors")[0].GetString());

        Assert.AreEqual(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync("/v1/sys/health")).StatusCode);
        Assert.AreEqual((HttpStatusCode)299, (await anonymous.GetAsync("/v1/sys/health?sealedcode=299")).StatusCode);

        var first = await ApiServer.Expect(HttpStatusCode.OK, anonymous.PutAsJsonAsync("/v1/sys/unseal", new { key = init.GetProperty("keys")[2].GetString() }));
        Assert.AreEqual(1, first.GetProperty("progress").GetInt32());
        Assert.IsTrue(first.GetProperty("sealed").GetBoolean());
        var missing = await anonymous.PutAsJsonAsync("/v1/sys/unseal", new { });
        Assert.AreEqual(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.AreEqual("'key' must be specified in request body as JSON, or 'reset' set to true", (await ApiServer.JsonOf(missing)).GetProperty("errors")[0].GetString());
        var unsealed = await ApiServer.Expect(HttpStatusCode.OK, anonymous.PutAsJsonAsync("/v1/sys/unseal", new { key = init.GetProperty("keys_base64")[0].GetString() }));
        Assert.IsFalse(unsealed.GetProperty("sealed").GetBoolean());
        Assert.AreEqual(HttpStatusCode.OK, (await anonymous.GetAsync("/v1/sys/health")).StatusCode);

        using var root = server.AnonymousClient();
        root.DefaultRequestHeaders.Add("X-Vault-Token", rootToken);
        Assert.AreEqual(HttpStatusCode.NoContent, (await root.PostAsJsonAsync("/v1/sys/mounts/secret", new { type = "kv" })).StatusCode);
        Assert.AreEqual(HttpStatusCode.Forbidden, (await anonymous.PutAsync("/v1/sys/seal", null)).StatusCode, "sealing needs a token");
        Assert.AreEqual(HttpStatusCode.NoContent, (await root.PutAsync("/v1/sys/seal", null)).StatusCode);

        Assert.AreEqual(HttpStatusCode.ServiceUnavailable, (await root.GetAsync("/v1/sys/mounts")).StatusCode);
        var health503 = await anonymous.GetAsync("/v1/sys/health");
        Assert.AreEqual(HttpStatusCode.ServiceUnavailable, health503.StatusCode);
        Assert.IsTrue((await ApiServer.JsonOf(health503)).GetProperty("sealed").GetBoolean());
    }

    [TestMethod]
    public async Task AHostWithoutASeal_SaysItIsInitializedAndUnsealed_AndRefusesToSeal()
    {
        await using var server = await ApiServer.StartAsync();

        var status = await ApiServer.Expect(HttpStatusCode.OK, server.Client.GetAsync("/v1/sys/seal-status"));
        Assert.AreEqual("none", status.GetProperty("type").GetString());
        Assert.IsFalse(status.GetProperty("sealed").GetBoolean());
        var seal = await server.Client.PutAsync("/v1/sys/seal", null);
        Assert.AreEqual(HttpStatusCode.BadRequest, seal.StatusCode);
        StringAssert.Contains((await ApiServer.JsonOf(seal)).GetProperty("errors")[0].GetString(), "not encrypted, so it has no seal");
        Assert.AreEqual(JsonValueKind.Object, (await ApiServer.Expect(HttpStatusCode.OK, server.Client.GetAsync("/v1/sys/mounts"))).ValueKind, "still serving");
    }
}
