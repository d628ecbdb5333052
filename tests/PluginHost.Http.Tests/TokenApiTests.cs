using System.Net;
using System.Text.Json;

namespace PluginHost.Http.Tests;

/// <summary>Vault's token store over the API: create (child rules), lookup, lookup-accessor, renew, revoke and revoke-accessor.</summary>
[TestClass]
public sealed class TokenApiTests
{
    private static async Task<ApiServer> StartAsync()
    {
        var server = await ApiServer.StartAsync();
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "sys/policies/acl/dev", JsonSerializer.Serialize(new { policy = """
            path "secret/*" { capabilities = ["read"] }
            path "auth/token/create" { capabilities = ["update"] }
            """ })));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "sys/policies/acl/ops", JsonSerializer.Serialize(new { policy = """path "sys/*" { capabilities = ["read"] }""" })));
        return server;
    }

    private static async Task<JsonElement> CreateAsync(ApiServer server, string? token, object body) =>
        (await ApiServer.Expect(HttpStatusCode.OK, token is null
            ? server.SendAsync("POST", "auth/token/create", JsonSerializer.Serialize(body))
            : server.SendAsAsync(token, "POST", "auth/token/create", JsonSerializer.Serialize(body)))).GetProperty("auth");

    [TestMethod]
    public async Task Create_AnswersVaultsAuthBlock_AndLookupsDescribeTheToken()
    {
        await using var server = await StartAsync();

        var auth = await CreateAsync(server, null, new { policies = new[] { "dev" }, ttl = "1h", display_name = "ci", meta = new { team = "a" } });

        var token = auth.GetProperty("client_token").GetString()!;
        StringAssert.StartsWith(token, "hvs.");
        Assert.AreEqual("""["default","dev"]""", auth.GetProperty("policies").GetRawText());
        Assert.AreEqual(3600, auth.GetProperty("lease_duration").GetInt32());
        Assert.IsTrue(auth.GetProperty("renewable").GetBoolean());
        Assert.IsFalse(auth.GetProperty("orphan").GetBoolean(), "a child of the root token");

        var lookup = (await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("POST", "auth/token/lookup", JsonSerializer.Serialize(new { token })))).GetProperty("data");
        Assert.AreEqual("token-ci", lookup.GetProperty("display_name").GetString());
        Assert.AreEqual("a", lookup.GetProperty("meta").GetProperty("team").GetString());
        Assert.AreEqual("auth/token/create", lookup.GetProperty("path").GetString());

        var byAccessor = (await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("POST", "auth/token/lookup-accessor",
            JsonSerializer.Serialize(new { accessor = auth.GetProperty("accessor").GetString() })))).GetProperty("data");
        Assert.AreEqual("", byAccessor.GetProperty("id").GetString(), "an accessor lookup never shows the token");
        Assert.AreEqual("""["default","dev"]""", byAccessor.GetProperty("policies").GetRawText());

        var accessors = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("LIST", "auth/token/accessors"));
        Assert.IsTrue(accessors.GetProperty("data").GetProperty("keys").EnumerateArray().Any(k => k.GetString() == auth.GetProperty("accessor").GetString()));
    }

    [TestMethod]
    public async Task CreateOrphan_MakesATokenWithoutParent_AndRefusesOthers()
    {
        // Found by the fuzz harness: every create-orphan answered 500 (its route does not declare no_parent).
        await using var server = await StartAsync();

        var orphan = (await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("POST", "auth/token/create-orphan", """{"policies":["dev"]}"""))).GetProperty("auth");
        Assert.IsTrue(orphan.GetProperty("orphan").GetBoolean());
        var empty = (await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("POST", "auth/token/create-orphan", null))).GetProperty("auth");
        Assert.IsTrue(empty.GetProperty("orphan").GetBoolean());

        var user = orphan.GetProperty("client_token").GetString();
        var refused = await ApiServer.Expect(HttpStatusCode.Forbidden, server.SendAsAsync(user, "POST", "auth/token/create-orphan", "{}"));
        Assert.AreEqual("""["permission denied"]""", refused.GetProperty("errors").GetRawText());
    }

    [TestMethod]
    public async Task AChild_GetsASubsetOfItsParentsPolicies_AndNeverRoot()
    {
        await using var server = await StartAsync();
        var parent = (await CreateAsync(server, null, new { policies = new[] { "dev" } })).GetProperty("client_token").GetString();

        var child = await CreateAsync(server, parent, new { policies = new[] { "dev" } });
        Assert.AreEqual("""["default","dev"]""", child.GetProperty("policies").GetRawText());

        var wider = await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsAsync(parent, "POST", "auth/token/create", """{"policies":["ops"]}"""));
        Assert.AreEqual("""["child policies must be subset of parent"]""", wider.GetProperty("errors").GetRawText());
        var root = await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsAsync(parent, "POST", "auth/token/create", """{"policies":["root"]}"""));
        Assert.AreEqual("""["root tokens may not be created without parent token being root"]""", root.GetProperty("errors").GetRawText());
        var orphan = await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsAsync(parent, "POST", "auth/token/create", """{"no_parent":true}"""));
        Assert.AreEqual("""["root or sudo privileges required to create orphan token"]""", orphan.GetProperty("errors").GetRawText());
        var id = await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsAsync(parent, "POST", "auth/token/create", """{"id":"chosen"}"""));
        Assert.AreEqual("""["root or sudo privileges required to specify token id"]""", id.GetProperty("errors").GetRawText());
    }

    [TestMethod]
    public async Task RevokingAParent_RevokesItsChildren()
    {
        await using var server = await StartAsync();
        var parent = (await CreateAsync(server, null, new { policies = new[] { "dev" } })).GetProperty("client_token").GetString();
        var child = (await CreateAsync(server, parent, new { })).GetProperty("client_token").GetString();
        var grandchild = (await CreateAsync(server, child, new { })).GetProperty("client_token").GetString();
        await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(grandchild, "GET", "auth/token/lookup-self"));

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "auth/token/revoke", JsonSerializer.Serialize(new { token = parent })));

        foreach (var gone in new[] { parent, child, grandchild })
        {
            await ApiServer.Expect(HttpStatusCode.Forbidden, server.SendAsAsync(gone, "GET", "auth/token/lookup-self"));
        }
    }

    [TestMethod]
    public async Task RenewAndRevokeByAccessor()
    {
        await using var server = await StartAsync();
        var auth = await CreateAsync(server, null, new { policies = new[] { "dev" }, ttl = "10m", explicit_max_ttl = "30m" });
        var token = auth.GetProperty("client_token").GetString();
        var accessor = auth.GetProperty("accessor").GetString();

        var renewed = (await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(token, "PUT", "auth/token/renew-self", """{"increment":"2h"}"""))).GetProperty("auth");
        Assert.IsTrue(renewed.GetProperty("lease_duration").GetInt32() is > 1700 and <= 1800, "capped by explicit_max_ttl");

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "auth/token/revoke-accessor", JsonSerializer.Serialize(new { accessor })));
        await ApiServer.Expect(HttpStatusCode.Forbidden, server.SendAsAsync(token, "GET", "auth/token/lookup-self"));
    }

    [TestMethod]
    [DataRow("""{"num_uses":3}""", "num_uses is not supported")]
    [DataRow("""{"period":"1h"}""", "periodic tokens are not supported")]
    [DataRow("""{"type":"batch"}""", "token type 'batch' is not supported")]
    public async Task UnsupportedTokenKinds_AreRefused_NotIgnored(string body, string error)
    {
        await using var server = await StartAsync();

        var refused = await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsync("POST", "auth/token/create", body));

        StringAssert.Contains(refused.GetProperty("errors")[0].GetString(), error);
    }

    [TestMethod]
    public async Task ATokenInThePath_IsNotAccepted_SoItNeverReachesALogUnhashed()
    {
        await using var server = await StartAsync();
        var token = (await CreateAsync(server, null, new { policies = new[] { "dev" } })).GetProperty("client_token").GetString();

        await ApiServer.Expect(HttpStatusCode.NotFound, server.SendAsync("GET", "auth/token/lookup/" + token));
        await ApiServer.Expect(HttpStatusCode.NotFound, server.SendAsync("POST", "auth/token/revoke/" + token, "{}"));
        await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(token, "GET", "auth/token/lookup-self"));
    }
}
