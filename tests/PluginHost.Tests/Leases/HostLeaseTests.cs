using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using PluginHost.Authorization;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Leases;

/// <summary>
/// Leases through the host: a backend's secret gets a lease id and the mount's TTL rules, the backend is asked to revoke
/// it at expiry with the internal data it issued, <c>sys/leases/*</c> look it up, renew and revoke it, and revoking
/// the token it was issued to revokes it.
/// </summary>
[TestClass]
public sealed class HostLeaseTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly DynamicSecrets _backend = new();

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Token => TestContext.CancellationToken;

    [TestMethod]
    public async Task ASecret_GetsALease_ThatItsBackendRevokesAtExpiry_WithTheInternalDataItIssued()
    {
        await using var test = await HostAsync();

        var answer = await test.Host.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "dyn/creds/readonly" }, RequestCaller.Application, Token);

        StringAssert.StartsWith(answer.LeaseId, "dyn/creds/readonly/");
        Assert.AreEqual(TimeSpan.FromSeconds(30), answer.Response!.Secret!.Ttl);
        var user = answer.Response.Data!["username"].GetString()!;
        var lookup = (await test.Host.WriteAsync("sys/leases/lookup", new { lease_id = answer.LeaseId }, Token))!.Data!;
        Assert.AreEqual(answer.LeaseId, lookup["id"].GetString());
        Assert.AreEqual(30, lookup["ttl"].GetInt64());
        Assert.IsTrue(lookup["renewable"].GetBoolean());

        await _time.AdvanceUntilAsync(() => _backend.Revoked.ContainsKey(user), TimeSpan.FromMinutes(2), Token);
        Assert.AreEqual("creds/readonly", _backend.RevokedPaths[user], "the revoke goes to the issuing path, mount-relative");
        var gone = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.WriteAsync("sys/leases/lookup", new { lease_id = answer.LeaseId }, Token));
        Assert.AreEqual("invalid lease", gone.Message);
    }

    [TestMethod]
    public async Task RenewAndRevoke_ThroughSysLeases_AskTheBackend_AndTheMountsMaxTtlCapsTheRenewal()
    {
        await using var test = await HostAsync(maxLeaseTtl: TimeSpan.FromMinutes(10));
        var answer = await test.Host.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "dyn/creds/readonly" }, RequestCaller.Application, Token);

        var renewed = await test.Host.HandleRequestAsync(
            new BackendRequest { Operation = Operation.Update, Path = "sys/leases/renew", Data = Fields(new { lease_id = answer.LeaseId, increment = "1h" }) }, RequestCaller.Application, Token);

        Assert.AreEqual(answer.LeaseId, renewed.LeaseId, "the answer names the lease, as Vault's top-level lease_id");
        Assert.AreEqual(TimeSpan.FromMinutes(10), renewed.Response!.Secret!.Ttl, "capped by the mount's max_lease_ttl from the issue time");
        Assert.AreEqual(TimeSpan.FromMinutes(10), _backend.LastRenewal);

        await test.Host.WriteAsync($"sys/leases/revoke/{answer.LeaseId}", new { }, Token);
        Assert.HasCount(1, _backend.Revoked);

        foreach (var malformed in (string[])["dyn//creds", "dyn/creds/../x", "dyn/creds/"])
        {
            var invalid = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.WriteAsync("sys/leases/lookup", new { lease_id = malformed }, Token));
            Assert.AreEqual("invalid lease", invalid.Message, malformed);
        }
    }

    [TestMethod]
    public async Task RevokingAToken_RevokesTheLeasesItWasIssued_AndRevokePrefixNeedsSudo()
    {
        await using var test = await HostAsync();
        await test.Host.WriteAsync("sys/policies/acl/dyn", new { policy = "path \"dyn/*\" { capabilities = [\"read\"] }\npath \"sys/leases/revoke-prefix/*\" { capabilities = [\"update\"] }" }, Token);
        var created = await test.Host.HandleRequestAsync(
            new BackendRequest { Operation = Operation.Update, Path = "auth/token/create", Data = Fields(new { policies = new[] { "dyn" } }) }, RequestCaller.Application, Token);
        var token = created.Auth!.ClientToken;
        var mine = await test.Host.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "dyn/creds/a" }, RequestCaller.FromToken(token), Token);
        var theirs = await test.Host.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "dyn/creds/a" }, RequestCaller.Application, Token);

        var denied = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.HandleRequestAsync(
            new BackendRequest { Operation = Operation.Update, Path = "sys/leases/revoke-prefix/dyn/" }, RequestCaller.FromToken(token), Token));
        Assert.AreEqual(ErrorCode.Forbidden, denied.Code, "revoke-prefix is root-protected");

        await test.Host.WriteAsync("auth/token/revoke", new { token }, Token);

        Assert.IsTrue(_backend.Revoked.ContainsKey(mine.Response!.Data!["username"].GetString()!));
        Assert.IsFalse(_backend.Revoked.ContainsKey(theirs.Response!.Data!["username"].GetString()!), "another caller's lease stays");
        Assert.IsNotNull(await test.Host.WriteAsync("sys/leases/lookup", new { lease_id = theirs.LeaseId }, Token));
    }

    [TestMethod]
    public async Task DisablingAMount_RevokesItsLeasesFirst_AndIsRefusedWhileOneCannotBeRevoked_AndAMoveIsRefused()
    {
        await using var test = await HostAsync();
        var first = await test.Host.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "dyn/creds/a" }, RequestCaller.Application, Token);

        var move = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.Mounts.RemountAsync("dyn/", "moved/", Token));
        Assert.AreEqual("cannot move dyn/: it has 1 live leases; revoke them first (sys/leases/revoke-prefix/dyn/)", move.Message);

        _backend.FailRevocations = true;
        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.Mounts.DisableAsync(BackendType.Secret, "dyn", Token));
        StringAssert.Contains(refused.Message, "failed to revoke 1 of the 1 leases under 'dyn/'");
        Assert.IsNotNull(await test.Host.ReadAsync("dyn/creds/b", Token), "the mount still serves");

        _backend.FailRevocations = false;
        await test.Host.Mounts.DisableAsync(BackendType.Secret, "dyn", Token);
        Assert.IsTrue(_backend.Revoked.ContainsKey(first.Response!.Data!["username"].GetString()!));
        var gone = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.WriteAsync("sys/leases/lookup", new { lease_id = first.LeaseId }, Token));
        Assert.AreEqual("invalid lease", gone.Message);
    }

    [TestMethod]
    public async Task ASecretWhoseLeaseCannotBeStored_IsRevokedAtOnce_AndTheReadFails()
    {
        var storage = new FaultyStorage();
        await using var test = await HostAsync(storage: storage.Storage);
        storage.FailWritesTo("sys/expire/");

        var failed = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.ReadAsync("dyn/creds/readonly", Token));

        Assert.AreEqual(ErrorCode.Internal, failed.Code);
        StringAssert.StartsWith(failed.Message, "failed to register the lease of the secret read at dyn/creds/readonly");
        Assert.IsTrue(_backend.Revoked.ContainsKey("v-1"), "the backend took the secret back");
    }

    private async Task<TestHost> HostAsync(TimeSpan? maxLeaseTtl = null, IStorage? storage = null)
    {
        var test = TestHost.Create(
            configure: o => o.StorageFactory = storage is null ? null : _ => storage,
            build: b => b.AddBuiltinPlugin("dynamic", BackendType.Secret, _ => _backend),
            services: s => s.AddSingleton<TimeProvider>(_time));
        await test.Host.Mounts.EnableAsync(
            new MountRequest { Type = BackendType.Secret, Plugin = "dynamic", Path = "dyn", Config = new MountConfig { MaxLeaseTtl = maxLeaseTtl ?? TimeSpan.Zero } },
            Token);
        return test;
    }

    private static Dictionary<string, JsonElement> Fields(object data) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(data))!;

    // A backend that issues a new user on every read of creds/NAME, with a 30 s renewable lease, and records revocations.
    private sealed class DynamicSecrets : IBackend
    {
        private int _users;

        public ConcurrentDictionary<string, string> Revoked { get; } = new();

        public ConcurrentDictionary<string, string> RevokedPaths { get; } = new();

        public TimeSpan LastRenewal { get; private set; }

        private volatile bool _failRevocations;

        public bool FailRevocations
        {
            get => _failRevocations;
            set => _failRevocations = value;
        }

        public BackendType Type => BackendType.Secret;

        public SpecialPaths SpecialPaths => SpecialPaths.None;

        public ValueTask SetupAsync(BackendConfig config, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<bool?> ExistenceCheckAsync(BackendRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<bool?>(null);

        public ValueTask CleanupAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask InvalidateKeyAsync(string key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken)
        {
            switch (request.Operation)
            {
                case Operation.Read:
                    var user = $"v-{Interlocked.Increment(ref _users)}";
                    return ValueTask.FromResult<BackendResponse?>(BackendResponse.WithData(new Dictionary<string, object?> { ["username"] = user }) with
                    {
                        Secret = new SecretInfo
                        {
                            Ttl = TimeSpan.FromSeconds(30),
                            Renewable = true,
                            InternalData = new Dictionary<string, JsonElement> { ["username"] = JsonSerializer.SerializeToElement(user) },
                        },
                    });
                case Operation.Revoke when FailRevocations:
                    throw new InvalidOperationException("database unreachable");
                case Operation.Revoke:
                    var revoked = request.Secret!.InternalData!["username"].GetString()!;
                    Revoked[revoked] = revoked;
                    RevokedPaths[revoked] = request.Path;
                    return ValueTask.FromResult<BackendResponse?>(null);
                case Operation.Renew:
                    LastRenewal = request.Secret!.Ttl;
                    return ValueTask.FromResult<BackendResponse?>(new BackendResponse { Secret = request.Secret });
                default:
                    throw new PluginHostException(ErrorCode.Unsupported, "unsupported operation");
            }
        }
    }
}
