using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace PluginHost.Http.Tests;

/// <summary>
/// The holes of issue 12, each tried as an attacker with a login token would: a path variant that skipped the sys/
/// check, a login token that minted root, a plugin that saw the caller's token, and a login TTL past the mount's max.
/// </summary>
[TestClass]
public sealed class AttackTests
{
    private static async Task<(ApiServer Server, string Token)> WithLoginTokenAsync(Action<IServiceCollection>? services = null)
    {
        var server = await ApiServer.StartAsync(services: services);
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/auth/userpass", """{"type":"userpass"}"""));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/secret", """{"type":"kv"}"""));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "secret/kept", """{"value":"precious"}"""));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "auth/userpass/users/alice", """{"password":"s3cret"}"""));
        var login = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(null, "POST", "auth/userpass/login/alice", """{"password":"s3cret"}"""));
        return (server, login.GetProperty("auth").GetProperty("client_token").GetString()!);
    }

    [TestMethod]
    [DataRow("GET", "/sys/mounts", null)]
    [DataRow("GET", "//sys/plugins/catalog", null)]
    [DataRow("GET", "sys//mounts", null)]
    [DataRow("POST", "/sys/mounts/evil", """{"type":"kv"}""")]
    [DataRow("DELETE", "/sys/mounts/secret", null)]
    [DataRow("DELETE", "//sys/mounts/secret", null)]
    public async Task LeadingOrRepeatedSlashes_DoNotSkipAuthorization(string method, string path, string? body)
    {
        var (server, token) = await WithLoginTokenAsync();
        await using var _ = server;

        await ExpectDenied(server.SendAsAsync(token, method, path, body));

        var kept = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "secret/kept"));
        Assert.AreEqual("precious", kept.GetProperty("data").GetProperty("value").GetString(), "the mount and its data are untouched");
        var mounts = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/mounts"));
        Assert.IsFalse(mounts.GetProperty("data").TryGetProperty("evil/", out JsonElement _), "nothing was mounted");
    }

    [TestMethod]
    public async Task LoginToken_CannotGiveAUserTheRootPolicy()
    {
        var (server, token) = await WithLoginTokenAsync();
        await using var _ = server;

        await ExpectDenied(server.SendAsAsync(token, "POST", "auth/userpass/users/mallory", """{"password":"x","policies":"root"}"""));

        await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsAsync(null, "POST", "auth/userpass/login/mallory", """{"password":"x"}"""));
    }

    [TestMethod]
    public async Task ALoginThatGrantsRoot_IsRefused_EvenWhenTheOperatorWroteIt()
    {
        var (server, _) = await WithLoginTokenAsync();
        await using var __ = server;
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "auth/userpass/users/mallory", """{"password":"x","policies":"root"}"""));

        var refused = await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsAsync(null, "POST", "auth/userpass/login/mallory", """{"password":"x"}"""));

        Assert.AreEqual("""["auth methods cannot create root tokens"]""", refused.GetProperty("errors").GetRawText());
    }

    [TestMethod]
    public async Task AnAuthPluginAnsweringRootPolicies_GetsNoToken()
    {
        await using var server = await ApiServer.StartAsync(services: s => s.AddPluginHost().AddBuiltinPlugin("evil-auth", BackendType.Auth, _ => new RootGrantingAuth()));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/auth/evil", """{"type":"evil-auth"}"""));

        var refused = await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsAsync(null, "POST", "auth/evil/login", "{}"));

        Assert.AreEqual("""["auth methods cannot create root tokens"]""", refused.GetProperty("errors").GetRawText());
    }

    [TestMethod]
    public async Task Backends_NeverSeeTheCallersToken_ButAStablePerMountId()
    {
        await using var server = await ApiServer.StartAsync(services: s => s.AddPluginHost().AddBuiltinPlugin("echo", BackendType.Secret, _ => new TokenEcho()));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/one", """{"type":"echo"}"""));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/two", """{"type":"echo"}"""));

        var first = await SeenTokenAsync(server, "one/x");
        var again = await SeenTokenAsync(server, "one/y");
        var other = await SeenTokenAsync(server, "two/x");

        Assert.IsFalse(first.Contains(ApiServer.RootToken, StringComparison.Ordinal), $"the backend saw the root token: {first}");
        Assert.AreEqual(64, first.Length, "an HMAC-SHA256, hex");
        Assert.AreEqual(first, again, "stable for one mount");
        Assert.AreNotEqual(first, other, "unrelated between mounts");
    }

    [TestMethod]
    public async Task LoginTtl_IsCappedByTheMountsMaxLeaseTtl()
    {
        var (server, _) = await WithLoginTokenAsync();
        await using var __ = server;
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/auth/userpass/tune", """{"max_lease_ttl":"1h"}"""));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "auth/userpass/users/bob", """{"password":"x","ttl":"87600h"}"""));

        var login = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(null, "POST", "auth/userpass/login/bob", """{"password":"x"}"""));

        Assert.AreEqual(3600, login.GetProperty("auth").GetProperty("lease_duration").GetInt32());
        var token = login.GetProperty("auth").GetProperty("client_token").GetString();
        var self = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(token, "GET", "auth/token/lookup-self"));
        Assert.IsTrue(self.GetProperty("data").GetProperty("ttl").GetInt32() <= 3600);
    }

    private static async Task<string> SeenTokenAsync(ApiServer server, string path) =>
        (await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", path))).GetProperty("data").GetProperty("seen").GetString()!;

    private static async Task ExpectDenied(Task<HttpResponseMessage> sending) =>
        Assert.AreEqual("""["permission denied"]""", (await ApiServer.Expect(HttpStatusCode.Forbidden, sending)).GetProperty("errors").GetRawText());

    /// <summary>A secrets engine that answers the client token it was given.</summary>
    private sealed class TokenEcho : TestBackend
    {
        public override ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult<BackendResponse?>(BackendResponse.WithData([new("seen", request.ClientToken ?? "")]));
    }

    /// <summary>An auth method whose every login grants the root policy, as a hostile plugin would answer.</summary>
    private sealed class RootGrantingAuth : TestBackend
    {
        public override BackendType Type => BackendType.Auth;

        public override SpecialPaths SpecialPaths => new() { Unauthenticated = ["login"] };

        public override ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult<BackendResponse?>(new BackendResponse { Auth = new AuthInfo { DisplayName = "mallory", Policies = ["root"] } });
    }

    private abstract class TestBackend : IBackend
    {
        public virtual BackendType Type => BackendType.Secret;

        public virtual SpecialPaths SpecialPaths => SpecialPaths.None;

        public ValueTask SetupAsync(BackendConfig config, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public abstract ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken);

        public ValueTask<bool?> ExistenceCheckAsync(BackendRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<bool?>(null);

        public ValueTask InvalidateKeyAsync(string key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CleanupAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
