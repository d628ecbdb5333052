using System.Net;
using System.Text.Json;

namespace PluginHost.Http.Tests;

/// <summary>ACL policies over Vault's API: sys/policy and sys/policies/acl, what a token's policies let it do, sudo, capabilities.</summary>
[TestClass]
public sealed class PolicyApiTests
{
    private static async Task<ApiServer> WithUserpassAsync()
    {
        var server = await ApiServer.StartAsync();
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/auth/userpass", """{"type":"userpass"}"""));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/secret", """{"type":"kv"}"""));
        return server;
    }

    /// <summary>Writes <paramref name="rules"/> as policy <paramref name="name"/>, makes a user with it and logs in.</summary>
    private static async Task<string> TokenWithPolicyAsync(ApiServer server, string name, string? rules)
    {
        if (rules is not null)
        {
            await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "sys/policies/acl/" + name, JsonSerializer.Serialize(new { policy = rules })));
        }

        var user = "u-" + name;
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "auth/userpass/users/" + user, JsonSerializer.Serialize(new { password = "pw", token_policies = rules is null ? "" : name })));
        var login = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(null, "POST", "auth/userpass/login/" + user, """{"password":"pw"}"""));
        return login.GetProperty("auth").GetProperty("client_token").GetString()!;
    }

    [TestMethod]
    public async Task DefaultPolicyOnly_AllowsExactlyVaultsDefault()
    {
        await using var server = await WithUserpassAsync();
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "secret/foo", """{"value":"bar"}"""));
        var token = await TokenWithPolicyAsync(server, "none", rules: null);

        await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(token, "GET", "auth/token/lookup-self"));
        var caps = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(token, "POST", "sys/capabilities-self", """{"paths":["secret/foo"]}"""));
        Assert.AreEqual("""["deny"]""", caps.GetProperty("data").GetProperty("secret/foo").GetRawText());
        await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(token, "PUT", "auth/token/renew-self", "{}"));

        foreach (var (method, path) in new[]
        {
            ("GET", "secret/foo"), ("PUT", "secret/foo"), ("LIST", "secret/"), ("DELETE", "secret/foo"),
            ("GET", "sys/mounts"), ("GET", "sys/policy"), ("LIST", "sys/policies/acl"), ("POST", "auth/token/create"),
            ("GET", "auth/userpass/users/u-none"), ("POST", "auth/userpass/users/mallory"), ("GET", "sys/plugins/catalog"),
            ("POST", "auth/token/lookup"), ("GET", "nothing/mounted/here"),
        })
        {
            await ExpectDenied(server.SendAsAsync(token, method, path, method is "PUT" or "POST" ? "{}" : null), $"{method} {path}");
        }

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsAsync(token, "PUT", "auth/token/revoke-self", "{}"));
        await ExpectDenied(server.SendAsAsync(token, "GET", "auth/token/lookup-self"), "a revoked token");
    }

    [TestMethod]
    public async Task PlusMatchesExactlyOneSegment()
    {
        await using var server = await WithUserpassAsync();
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "secret/a/config", """{"v":"1"}"""));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "secret/a/b/config", """{"v":"2"}"""));
        var token = await TokenWithPolicyAsync(server, "configs", """path "secret/+/config" { capabilities = ["read"] }""");

        var read = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(token, "GET", "secret/a/config"));
        Assert.AreEqual("1", read.GetProperty("data").GetProperty("v").GetString());
        await ExpectDenied(server.SendAsAsync(token, "GET", "secret/a/b/config"), "two segments");
        await ExpectDenied(server.SendAsAsync(token, "PUT", "secret/a/config", """{"v":"x"}"""), "read does not grant update");
        await ExpectDenied(server.SendAsAsync(token, "GET", "/secret//a/b/config"), "a path variant");
    }

    [TestMethod]
    public async Task CreateAndUpdate_AreDecidedByTheExistenceCheck()
    {
        await using var server = await WithUserpassAsync();
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "secret/existing", """{"v":"1"}"""));
        var creator = await TokenWithPolicyAsync(server, "creator", """path "secret/*" { capabilities = ["create"] }""");

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsAsync(creator, "PUT", "secret/new", """{"v":"1"}"""));
        await ExpectDenied(server.SendAsAsync(creator, "PUT", "secret/existing", """{"v":"2"}"""), "an update needs update");
    }

    [TestMethod]
    public async Task DenyWins_AndTheMostSpecificPatternDecides()
    {
        await using var server = await WithUserpassAsync();
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "secret/team/a", """{"v":"1"}"""));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "secret/team/admin", """{"v":"1"}"""));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "sys/policies/acl/reader", JsonSerializer.Serialize(new { policy = """path "secret/*" { capabilities = ["read"] }""" })));
        var token = await TokenWithPolicyAsync(server, "team", """
            path "secret/team/*" { capabilities = ["read", "list"] }
            path "secret/team/admin" { capabilities = ["deny"] }
            """);

        await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(token, "GET", "secret/team/a"));
        await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(token, "LIST", "secret/team/"));
        await ExpectDenied(server.SendAsAsync(token, "GET", "secret/team/admin"), "deny");
    }

    [TestMethod]
    public async Task RootProtectedSysPaths_NeedSudo_MountsDoNot()
    {
        await using var server = await WithUserpassAsync();
        var operator1 = await TokenWithPolicyAsync(server, "ops", """
            path "sys/mounts/*" { capabilities = ["create", "read", "update", "delete"] }
            path "sys/auth/*" { capabilities = ["create", "read", "update", "delete"] }
            """);
        var admin = await TokenWithPolicyAsync(server, "admin", """
            path "sys/auth/*" { capabilities = ["create", "update", "sudo"] }
            path "sys/plugins/catalog/*" { capabilities = ["read", "sudo"] }
            """);

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsAsync(operator1, "POST", "sys/mounts/team", """{"type":"kv"}"""));
        await ExpectDenied(server.SendAsAsync(operator1, "POST", "sys/auth/other", """{"type":"userpass"}"""), "sys/auth/* is root-protected");
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsAsync(admin, "POST", "sys/auth/other", """{"type":"userpass"}"""));
        await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(admin, "GET", "sys/plugins/catalog/secret/kv"));

        // The type-less catalog paths are root-protected the same way, whatever the spelling.
        var catalogWriter = await TokenWithPolicyAsync(server, "catalog-writer", """path "sys/plugins/catalog/*" { capabilities = ["create", "read", "update", "delete"] }""");
        foreach (var path in new[] { "sys/plugins/catalog/kv", "sys/plugins/catalog//kv", "sys/plugins/catalog/./kv" })
        {
            await ExpectDenied(server.SendAsAsync(catalogWriter, "GET", path), path);
            await ExpectDenied(server.SendAsAsync(catalogWriter, "PUT", path, """{"type":"secret","sha256":"00","command":"x"}"""), path);
            await ExpectDenied(server.SendAsAsync(catalogWriter, "DELETE", path), path);
        }

        await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(admin, "GET", "sys/plugins/catalog/kv"));
    }

    [TestMethod]
    public async Task PolicyEndpoints_HaveVaultsShapes()
    {
        await using var server = await WithUserpassAsync();
        const string rules = "path \"secret/*\" {\n  capabilities = [\"read\"]\n}\n";

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "sys/policy/reader", JsonSerializer.Serialize(new { policy = rules })));

        var list = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/policy"));
        Assert.AreEqual("""["default","reader","root"]""", list.GetProperty("policies").GetRawText(), "legacy list: at the top level too");
        Assert.AreEqual("""["default","reader","root"]""", list.GetProperty("data").GetProperty("keys").GetRawText());
        var legacy = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/policy/reader"));
        Assert.AreEqual(rules, legacy.GetProperty("rules").GetString());
        Assert.AreEqual("reader", legacy.GetProperty("name").GetString());

        var acl = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/policies/acl/reader"));
        Assert.AreEqual(rules, acl.GetProperty("data").GetProperty("policy").GetString());
        var keys = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("LIST", "sys/policies/acl"));
        Assert.AreEqual("""["default","reader","root"]""", keys.GetProperty("data").GetProperty("keys").GetRawText());

        var base64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(rules));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "sys/policies/acl/encoded", JsonSerializer.Serialize(new { policy = base64 })));
        Assert.AreEqual(rules, (await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/policies/acl/encoded"))).GetProperty("data").GetProperty("policy").GetString());

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("DELETE", "sys/policy/reader"));
        await ApiServer.Expect(HttpStatusCode.NotFound, server.SendAsync("GET", "sys/policy/reader"));
    }

    [TestMethod]
    [DataRow("PUT", "sys/policy/root", """{"policy":"path \"x\" { capabilities = [\"read\"] }"}""", "cannot update \"root\" policy")]
    [DataRow("DELETE", "sys/policy/root", null, "cannot delete \"root\" policy")]
    [DataRow("DELETE", "sys/policies/acl/default", null, "cannot delete \"default\" policy")]
    [DataRow("PUT", "sys/policies/acl/bad", """{"policy":"path \"/\" { capabilities = [\"banana\"] }"}""", "failed to parse policy: path \"/\": invalid capability \"banana\"")]
    [DataRow("PUT", "sys/policies/acl/empty", """{"policy":""}""", "'policy' parameter not supplied or empty")]
    public async Task PolicyWrites_AreRefusedWithVaultsErrors(string method, string path, string? body, string error)
    {
        await using var server = await WithUserpassAsync();

        var refused = await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsync(method, path, body));

        StringAssert.Contains(refused.GetProperty("errors")[0].GetString(), error);
    }

    [TestMethod]
    public async Task Capabilities_ReportPerPath_AndForAnotherToken()
    {
        await using var server = await WithUserpassAsync();
        var token = await TokenWithPolicyAsync(server, "reader", """path "secret/*" { capabilities = ["read", "list"] }""");

        var self = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(token, "POST", "sys/capabilities-self", """{"paths":["secret/foo","sys/mounts"]}"""));
        Assert.AreEqual("""["list","read"]""", self.GetProperty("data").GetProperty("secret/foo").GetRawText());
        Assert.AreEqual("""["deny"]""", self.GetProperty("data").GetProperty("sys/mounts").GetRawText());
        Assert.AreEqual("""["list","read"]""", self.GetProperty("secret/foo").GetRawText(), "repeated at the top level, as Vault does");

        var root = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("POST", "sys/capabilities-self", """{"paths":["anything"]}"""));
        Assert.AreEqual("""["root"]""", root.GetProperty("capabilities").GetRawText());

        var other = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("POST", "sys/capabilities", JsonSerializer.Serialize(new { token, paths = new[] { "secret/x" } })));
        Assert.AreEqual("""["list","read"]""", other.GetProperty("capabilities").GetRawText());
        await ExpectDenied(server.SendAsAsync(token, "POST", "sys/capabilities", JsonSerializer.Serialize(new { token, paths = new[] { "secret/x" } })), "needs a grant on sys/capabilities");
    }

    [TestMethod]
    public async Task APolicyChange_TakesEffectOnTheNextRequest()
    {
        await using var server = await WithUserpassAsync();
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "secret/foo", """{"v":"1"}"""));
        var token = await TokenWithPolicyAsync(server, "changing", """path "secret/*" { capabilities = ["read"] }""");
        await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(token, "GET", "secret/foo"));

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "sys/policies/acl/changing", """{"policy":"path \"other/*\" { capabilities = [\"read\"] }"}"""));
        await ExpectDenied(server.SendAsAsync(token, "GET", "secret/foo"), "the narrowed policy");

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("DELETE", "sys/policies/acl/changing"));
        await ExpectDenied(server.SendAsAsync(token, "GET", "other/foo"), "a deleted policy grants nothing");
    }

    private static async Task ExpectDenied(Task<HttpResponseMessage> sending, string what)
    {
        using var response = await sending;
        var text = await response.Content.ReadAsStringAsync();
        Assert.AreEqual(HttpStatusCode.Forbidden, response.StatusCode, $"{what}: {text}");
        Assert.AreEqual("""{"errors":["permission denied"]}""", text.Trim(), what);
    }
}
