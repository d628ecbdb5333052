using System.Text.Json;
using PluginHost.Backends;
using PluginHost.Sdk;
using PluginHost.Storage;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Protocol;

[TestClass]
public sealed class PluginHarnessTests
{
    private static BackendRequest Write(string path, object data) => new()
    {
        Operation = Operation.Update,
        Path = path,
        Data = JsonSerializer.SerializeToElement(data).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()),
    };

    [TestMethod]
    public async Task Kv_ThroughTheProtocol_StoresInTheHostsStorage()
    {
        await using var harness = await PluginHarness.StartAsync(() => new KvBackend(new KvBackendOptions { PathPrefix = "kv/", EchoWrites = true }));
        var storage = new InMemoryStorage();
        var kv = await harness.MountAsync(storage);

        var written = await kv.HandleRequestAsync(Write("kv/foo", new { value = "bar" }), CancellationToken.None);
        var read = await kv.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "kv/foo" }, CancellationToken.None);
        var listed = await kv.HandleRequestAsync(new BackendRequest { Operation = Operation.List, Path = "kv/" }, CancellationToken.None);

        Assert.AreEqual("bar", written!.Data!["value"].GetString());
        Assert.AreEqual("bar", read!.Data!["value"].GetString());
        CollectionAssert.AreEqual(new[] { "foo" }, listed!.GetListKeys().ToArray());
        Assert.IsNotNull(await storage.GetAsync("kv/foo"), "the plugin's write went to the host's storage");
        Assert.IsTrue(await kv.ExistenceCheckAsync(new BackendRequest { Operation = Operation.Update, Path = "kv/foo" }, CancellationToken.None));
    }

    [TestMethod]
    public async Task BackendErrors_CrossTheWireWithCodeAndMessage()
    {
        await using var harness = await PluginHarness.StartAsync(() => new KvBackend(new KvBackendOptions { PathPrefix = "kv/" }));
        var kv = await harness.MountAsync(new InMemoryStorage());

        var noData = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.HandleRequestAsync(new BackendRequest { Operation = Operation.Update, Path = "kv/foo" }, CancellationToken.None));
        var unknown = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "elsewhere" }, CancellationToken.None));

        Assert.AreEqual(ErrorCode.BadRequest, noData.Code);
        Assert.AreEqual("no data provided", noData.Message);
        Assert.AreEqual(ErrorCode.NotFound, unknown.Code);
        StringAssert.Contains(unknown.Message, "unsupported path");
    }

    [TestMethod]
    public async Task Userpass_LoginThroughTheProtocol_ReturnsAuthWithTtl()
    {
        await using var harness = await PluginHarness.StartAsync(() => new UserpassBackend(new UserpassBackendOptions { PasswordIterations = UserpassBackendOptions.MinimumPasswordIterations }));
        var userpass = await harness.MountAsync(new InMemoryStorage(), BackendType.Auth);
        await userpass.HandleRequestAsync(Write("users/alice", new { password = "pw", policies = "ops,dev", ttl = "1h" }), CancellationToken.None);

        var login = await userpass.HandleRequestAsync(Write("login/alice", new { password = "pw" }), CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "dev", "ops" }, login!.Auth!.Policies.ToArray());
        Assert.AreEqual(TimeSpan.FromHours(1), login.Auth.Ttl);
        CollectionAssert.Contains(userpass.SpecialPaths.Unauthenticated.ToArray(), "login/*");
        Assert.AreEqual(BackendType.Auth, userpass.Type);
    }

    [TestMethod]
    public async Task TwoMountsOnOneConnection_AreIsolated()
    {
        await using var harness = await PluginHarness.StartAsync(() => new KvBackend());
        var storageA = new InMemoryStorage();
        var storageB = new InMemoryStorage();
        var a = await harness.MountAsync(storageA);
        var b = await harness.MountAsync(storageB);

        await a.HandleRequestAsync(Write("shared-name", new { from = "a" }), CancellationToken.None);
        await b.HandleRequestAsync(Write("shared-name", new { from = "b" }), CancellationToken.None);

        Assert.AreEqual("a", (await a.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "shared-name" }, CancellationToken.None))!.Data!["from"].GetString());
        Assert.AreEqual("b", (await b.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "shared-name" }, CancellationToken.None))!.Data!["from"].GetString());
    }

    [TestMethod]
    public async Task MountingAnAuthPluginAsSecret_IsRefusedWithVaultMessage()
    {
        await using var harness = await PluginHarness.StartAsync(() => new UserpassBackend());
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => harness.MountAsync(new InMemoryStorage(), BackendType.Secret));
        Assert.AreEqual("cannot mount 'harness' of type 'auth' as a secrets engine", error.Message);
    }

    [TestMethod]
    public async Task Cancellation_ReachesThePluginsHandler()
    {
        var probe = new ProbeBackend();
        await using var harness = await PluginHarness.StartAsync(() => probe);
        var backend = await harness.MountAsync(new InMemoryStorage());
        using var cancel = new CancellationTokenSource();

        var pending = backend.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "hold" }, cancel.Token).AsTask();
        await probe.Entered.Task;
        await cancel.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => pending);
    }

    [TestMethod]
    public async Task CleanedUpInstance_NoLongerAnswers()
    {
        await using var harness = await PluginHarness.StartAsync(() => new KvBackend());
        var kv = await harness.MountAsync(new InMemoryStorage());

        await kv.CleanupAsync(CancellationToken.None);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await kv.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "x" }, CancellationToken.None));
        Assert.AreEqual(ErrorCode.NotFound, error.Code);
        StringAssert.Contains(error.Message, "no backend instance");
    }

    [TestMethod]
    public async Task RunAsync_WithoutTheMagicCookie_ExitsWithCodeOne()
    {
        Assert.IsNull(Environment.GetEnvironmentVariable(PluginHost.Protocol.PluginEnvironment.MagicCookieKey));
        Assert.AreEqual(1, await PluginServer.RunAsync(() => new KvBackend()));
    }

    [TestMethod]
    public async Task ConcurrencyLimit_MakesExtraCallersWaitInTheHost()
    {
        var probe = new ProbeBackend();
        await using var harness = await PluginHarness.StartAsync(() => probe, maxConcurrentRequests: 1);
        var backend = await harness.MountAsync(new InMemoryStorage());

        var first = backend.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "hold" }, CancellationToken.None).AsTask();
        await probe.Entered.Task;
        var second = backend.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "after" }, CancellationToken.None).AsTask();
        await Eventually.TrueAsync(() => Task.FromResult(harness.Client.QueuedRequests == 1), "the second request waits in the host for the only slot");

        Assert.HasCount(1, probe.Requests, "the plugin has seen only the first request");
        probe.Gate.SetResult();
        await Task.WhenAll(first, second);
        Assert.HasCount(2, probe.Requests);
        Assert.AreEqual(0, harness.Client.QueuedRequests);
    }
}
