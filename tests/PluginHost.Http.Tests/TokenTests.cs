using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PluginHost.Storage;

namespace PluginHost.Http.Tests;

/// <summary>Tokens issued by logins through the built-in userpass: what they may call, lookup-self, revoke-self, expiry.</summary>
[TestClass]
public sealed class TokenTests
{
    private static async Task<ApiServer> WithUserpassAsync(ManualClock? clock = null, IStorage? storage = null)
    {
        var server = await ApiServer.StartAsync(services: services =>
        {
            if (clock is not null)
            {
                services.AddSingleton<TimeProvider>(clock);
            }

            services.AddPluginHost(o =>
            {
                if (storage is not null)
                {
                    o.StorageFactory = _ => storage;
                }
            });
        });
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/auth/userpass", """{"type":"userpass"}"""));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/secret", """{"type":"kv"}"""));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("PUT", "sys/policies/acl/dev", """{"policy":"path \"secret/*\" { capabilities = [\"create\", \"read\", \"update\"] }"}"""));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "auth/userpass/users/alice", """{"password":"s3cret","token_policies":"dev","ttl":"1h"}"""));
        return server;
    }

    private static async Task<(string Token, JsonElement Auth)> LoginAsync(ApiServer server)
    {
        var body = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(null, "POST", "auth/userpass/login/alice", """{"password":"s3cret"}"""));
        var auth = body.GetProperty("auth");
        return (auth.GetProperty("client_token").GetString()!, auth);
    }

    [TestMethod]
    public async Task Login_NeedsNoToken_AndAnswersVaultsAuthBlock()
    {
        await using var server = await WithUserpassAsync();

        var body = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(null, "POST", "auth/userpass/login/alice", """{"password":"s3cret"}"""));

        Assert.AreEqual(JsonValueKind.Null, body.GetProperty("data").ValueKind);
        Assert.AreEqual("userpass", body.GetProperty("mount_type").GetString());
        var auth = body.GetProperty("auth");
        StringAssert.StartsWith(auth.GetProperty("client_token").GetString(), "hvs.");
        Assert.AreEqual(24, auth.GetProperty("accessor").GetString()!.Length);
        Assert.AreEqual("""["default","dev"]""", auth.GetProperty("policies").GetRawText());
        Assert.AreEqual("""["default","dev"]""", auth.GetProperty("token_policies").GetRawText());
        Assert.AreEqual("alice", auth.GetProperty("metadata").GetProperty("username").GetString());
        Assert.AreEqual(3600, auth.GetProperty("lease_duration").GetInt32());
        Assert.AreEqual("service", auth.GetProperty("token_type").GetString());
        Assert.AreEqual(JsonValueKind.Null, auth.GetProperty("mfa_requirement").ValueKind);
    }

    [TestMethod]
    public async Task WrongPassword_IsRefused_AndIssuesNoToken()
    {
        await using var server = await WithUserpassAsync();

        var body = await ApiServer.Expect(HttpStatusCode.BadRequest, server.SendAsAsync(null, "POST", "auth/userpass/login/alice", """{"password":"wrong"}"""));

        Assert.AreEqual("""["invalid username or password"]""", body.GetProperty("errors").GetRawText());
        Assert.IsFalse(body.TryGetProperty("auth", out _));
    }

    [TestMethod]
    public async Task WithoutAToken_OnlyLoginPathsAnswer()
    {
        await using var server = await WithUserpassAsync();

        await ExpectDenied(server.SendAsAsync(null, "GET", "auth/userpass/users/alice"));
        await ExpectDenied(server.SendAsAsync(null, "GET", "secret/foo"));
        await ExpectDenied(server.SendAsAsync(null, "GET", "auth/token/lookup-self"));
        await ExpectDenied(server.SendAsAsync("hvs.not-a-token", "GET", "secret/foo"));
    }

    [TestMethod]
    public async Task LoginToken_UsesWhatItsPolicyGrants_ButNotSysPaths()
    {
        await using var server = await WithUserpassAsync();
        var (token, _) = await LoginAsync(server);

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsAsync(token, "PUT", "secret/foo", """{"value":"bar"}"""));
        var read = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(token, "GET", "secret/foo"));
        Assert.AreEqual("bar", read.GetProperty("data").GetProperty("value").GetString());

        await ExpectDenied(server.SendAsAsync(token, "GET", "sys/mounts"));
        await ExpectDenied(server.SendAsAsync(token, "POST", "sys/mounts/other", """{"type":"kv"}"""));
        var mounts = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "sys/mounts"));
        Assert.IsFalse(mounts.GetProperty("data").TryGetProperty("other/", out _), "the refused mount was not made");
    }

    [TestMethod]
    public async Task LookupSelf_DescribesTheToken()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var server = await WithUserpassAsync(clock);
        var (token, auth) = await LoginAsync(server);
        clock.Advance(TimeSpan.FromMinutes(10));

        var data = (await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(token, "GET", "auth/token/lookup-self"))).GetProperty("data");

        Assert.AreEqual(token, data.GetProperty("id").GetString());
        Assert.AreEqual(auth.GetProperty("accessor").GetString(), data.GetProperty("accessor").GetString());
        Assert.AreEqual("userpass-alice", data.GetProperty("display_name").GetString());
        Assert.AreEqual("auth/userpass/login/alice", data.GetProperty("path").GetString());
        Assert.AreEqual("""["default","dev"]""", data.GetProperty("policies").GetRawText());
        Assert.AreEqual(3600, data.GetProperty("creation_ttl").GetInt32());
        Assert.AreEqual(3000, data.GetProperty("ttl").GetInt32(), "ten minutes of the hour are gone");
        Assert.AreEqual("2026-11-25T13:00:00Z", data.GetProperty("expire_time").GetString());
        Assert.AreEqual("service", data.GetProperty("type").GetString());
    }

    [TestMethod]
    public async Task DevRootToken_LookupSelf_IsRoot_AndCanBeRevoked()
    {
        await using var server = await WithUserpassAsync();

        var data = (await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "auth/token/lookup-self"))).GetProperty("data");
        Assert.AreEqual("""["root"]""", data.GetProperty("policies").GetRawText());
        Assert.AreEqual(ApiServer.RootToken, data.GetProperty("id").GetString());
        Assert.AreEqual(JsonValueKind.Null, data.GetProperty("expire_time").ValueKind);

        // As in Vault, a root token is a token: its holder may revoke it, and then it is gone.
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "auth/token/revoke-self"));
        await ExpectDenied(server.SendAsync("GET", "sys/mounts"));
    }

    [TestMethod]
    public async Task RevokeSelf_EndsTheToken()
    {
        await using var server = await WithUserpassAsync();
        var (token, _) = await LoginAsync(server);

        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsAsync(token, "POST", "auth/token/revoke-self"));

        await ExpectDenied(server.SendAsAsync(token, "GET", "auth/token/lookup-self"));
        await ExpectDenied(server.SendAsAsync(token, "GET", "secret/foo"));
    }

    [TestMethod]
    public async Task ExpiredToken_IsDenied()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var server = await WithUserpassAsync(clock);
        var (token, _) = await LoginAsync(server);
        await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(token, "GET", "auth/token/lookup-self"));

        clock.Advance(TimeSpan.FromHours(1));

        await ExpectDenied(server.SendAsAsync(token, "GET", "auth/token/lookup-self"));
    }

    [TestMethod]
    public async Task Tokens_AreStoredHashed()
    {
        var storage = new InMemoryStorage();
        await using var server = await WithUserpassAsync(storage: storage);
        var (token, _) = await LoginAsync(server);

        // Neither a key nor a value anywhere in the host's storage holds the token.
        var pending = new Queue<string>(["core/"]);
        var seen = 0;
        while (pending.TryDequeue(out var prefix))
        {
            foreach (var key in await storage.ListAsync(prefix))
            {
                if (key.EndsWith('/'))
                {
                    pending.Enqueue(prefix + key);
                    continue;
                }

                seen++;
                Assert.IsFalse((prefix + key).Contains(token[4..], StringComparison.Ordinal));
                var stored = await storage.GetAsync(prefix + key);
                Assert.IsFalse(Encoding.UTF8.GetString(stored!.Value).Contains(token[4..], StringComparison.Ordinal), $"{prefix + key} holds the token");
            }
        }

        Assert.IsGreaterThan(2, seen, "the token's entry and its accessor index were read");
    }

    [TestMethod]
    public async Task WithoutAConfiguredRootToken_TheStoredRootTokenIsRoot_AndIsMadeOnce()
    {
        var storage = new InMemoryStorage();
        await using var server = await ApiServer.StartAsync(o => o.RootToken = null, s => s.AddPluginHost(o => o.StorageFactory = _ => storage));
        var tokens = server.Services.GetRequiredService<PluginHost.Tokens.TokenStore>();

        var root = await tokens.InitializeRootAsync();
        Assert.IsNotNull(root);
        Assert.IsNull(await tokens.InitializeRootAsync(), "a host is initialized once; its root token is not shown again");

        await ExpectDenied(server.SendAsync("GET", "sys/mounts"));
        await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(root, "GET", "sys/mounts"));
        var data = (await ApiServer.Expect(HttpStatusCode.OK, server.SendAsAsync(root, "GET", "auth/token/lookup-self"))).GetProperty("data");
        Assert.AreEqual("""["root"]""", data.GetProperty("policies").GetRawText());
        Assert.AreEqual(0, data.GetProperty("ttl").GetInt32());
    }

    [TestMethod]
    public async Task AuthInAnAnswerOutsideALoginPath_EarnsNoToken()
    {
        await using var server = await ApiServer.StartAsync(services: s => s.AddPluginHost().AddBuiltinPlugin("grants", BackendType.Secret, _ => new GrantingBackend()));
        await ApiServer.Expect(HttpStatusCode.NoContent, server.SendAsync("POST", "sys/mounts/grants", """{"type":"grants"}"""));

        var body = await ApiServer.Expect(HttpStatusCode.OK, server.SendAsync("GET", "grants/anything"));

        Assert.AreEqual(JsonValueKind.Null, body.GetProperty("auth").ValueKind, "only an auth method's login path earns a token");
    }

    private static async Task ExpectDenied(Task<HttpResponseMessage> sending) =>
        Assert.AreEqual("""["permission denied"]""", (await ApiServer.Expect(HttpStatusCode.Forbidden, sending)).GetProperty("errors").GetRawText());

    /// <summary>A secrets engine that puts an auth block in every answer, as no well-behaved backend would.</summary>
    private sealed class GrantingBackend : IBackend
    {
        public BackendType Type => BackendType.Secret;

        public SpecialPaths SpecialPaths => new() { Unauthenticated = ["*"] };

        public ValueTask SetupAsync(BackendConfig config, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult<BackendResponse?>(new BackendResponse
            {
                Data = BackendResponse.WithData([new("path", request.Path)]).Data,
                Auth = new AuthInfo { DisplayName = "mallory", Policies = ["root"] },
            });

        public ValueTask<bool?> ExistenceCheckAsync(BackendRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<bool?>(null);

        public ValueTask InvalidateKeyAsync(string key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CleanupAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    /// <summary>A clock the test moves.</summary>
    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
