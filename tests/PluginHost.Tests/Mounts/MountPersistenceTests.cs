using PluginHost.Catalog;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Tests.Catalog;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Mounts;

[TestClass]
public sealed class MountPersistenceTests
{
    private string _dataDirectory = "";

    [TestInitialize]
    public void CreateDataDirectory() => _dataDirectory = Path.Combine(Path.GetTempPath(), "pluginhost-data-" + Guid.NewGuid().ToString("N"));

    [TestCleanup]
    public void DeleteDataDirectory()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [TestMethod]
    public async Task NewHostOnSameDataDirectory_SeesSameCatalogMountsAndData()
    {
        using var plugins = new PluginDirectory();
        var sha = plugins.Write("my-mock-plugin", "#!/bin/sh\necho plugin\n");
        MountEntry secret, auth;
        await using (var first = TestHost.Create(o => { o.DataDirectory = _dataDirectory; o.PluginDirectory = plugins.Location; }))
        {
            await first.Host.Catalog.RegisterAsync(new PluginRegistration { Type = BackendType.Secret, Name = "my-mock-plugin", Command = "my-mock-plugin", Sha256 = sha });
            secret = await first.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "secret", Description = "kept" });
            auth = await first.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Auth, Plugin = "userpass" });
            await first.Host.WriteAsync("secret/team/db", new { password = "s3cret" });
        }

        await using var second = TestHost.Create(o => { o.DataDirectory = _dataDirectory; o.PluginDirectory = plugins.Location; });
        var mounts = await second.Host.Mounts.ListAsync();
        CollectionAssert.AreEqual(new[] { auth, secret }, mounts.ToArray());
        Assert.AreEqual("s3cret", (await second.Host.ReadAsync("secret/team/db"))!.Data!["password"].GetString());
        CollectionAssert.AreEqual(new[] { "team/" }, (await second.Host.ListAsync("secret/")).ToArray());
        var registered = await second.Host.Catalog.GetAsync(BackendType.Secret, "my-mock-plugin");
        Assert.IsNotNull(registered);
        Assert.AreEqual(sha, registered.Sha256);
    }

    [TestMethod]
    [DataRow(true, 2)]
    [DataRow(false, 0)]
    public async Task Restore_StartsBackendsOnlyWhenAsked_OtherwiseOnTheirFirstRequest(bool startMountsOnRestore, int startedByRestore)
    {
        var created = 0;
        Action<IPluginHostBuilder> probes = b => b.AddBuiltinPlugin("probe", BackendType.Secret, _ =>
        {
            Interlocked.Increment(ref created);
            return new ProbeBackend();
        });
        await using (var first = TestHost.Create(o => o.DataDirectory = _dataDirectory, probes))
        {
            await first.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "probe", Path = "a" });
            await first.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "probe", Path = "b" });
        }

        created = 0;
        await using var second = TestHost.Create(o => { o.DataDirectory = _dataDirectory; o.StartMountsOnRestore = startMountsOnRestore; }, probes);
        Assert.HasCount(2, await second.Host.Mounts.ListAsync());
        Assert.AreEqual(startedByRestore, Volatile.Read(ref created), "backends started by loading the mount tables");

        await second.Host.ReadAsync("a/x");
        Assert.AreEqual(startedByRestore == 0 ? 1 : 2, Volatile.Read(ref created), "a request starts its own mount's backend only");
    }

    [TestMethod]
    public async Task Restore_MountWhosePluginCannotBeCreated_IsKeptAndAnswersUnavailable()
    {
        await using (var first = TestHost.Create(
            o => o.DataDirectory = _dataDirectory,
            b => b.AddBuiltinPlugin("flaky", BackendType.Secret, _ => new ProbeBackend())))
        {
            await first.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "flaky" });
            await first.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv" });
        }

        await using var second = TestHost.Create(o => o.DataDirectory = _dataDirectory);
        CollectionAssert.AreEqual(new[] { "flaky/", "kv/" }, (await second.Host.Mounts.ListAsync()).Select(m => m.Path).ToArray());
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await second.Host.ReadAsync("flaky/x"));
        Assert.AreEqual(ErrorCode.Unavailable, error.Code);
        StringAssert.StartsWith(error.Message, "mount flaky/ is unavailable: plugin not found in the catalog: flaky" + " (failed 1 time in a row; the next start is tried in ");
        StringAssert.Contains(await second.Host.Mounts.GetUnavailableReasonAsync(BackendType.Secret, "flaky"), "plugin not found in the catalog");
        await second.Host.WriteAsync("kv/still", new { works = true });
        Assert.IsNotNull(await second.Host.ReadAsync("kv/still"));
    }

    [TestMethod]
    public async Task Restore_CorruptMountTable_FailsClearlyAndRetries()
    {
        var storage = new PluginHost.Storage.InMemoryStorage();
        await storage.PutAsync(new StorageEntry("core/mounts", "not json"u8.ToArray()));
        await using var test = TestHost.Create(o => o.StorageFactory = _ => storage);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.Mounts.ListAsync());
        StringAssert.Contains(error.Message, "the mount table in storage key 'core/mounts' is corrupt");

        await storage.DeleteAsync("core/mounts");
        Assert.IsEmpty(await test.Host.Mounts.ListAsync());
    }

    [TestMethod]
    public async Task Deregister_WhileMounted_KeepsMountAndRequestsFailUntilRegisteredAgain()
    {
        await using var external = new ExternalPluginHost();
        var test = external.Test;
        var registration = external.Registration;
        await test.Host.Catalog.RegisterAsync(registration);
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "my-mock-plugin", Path = "my-secrets-plugin" });
        Assert.IsNotNull(await test.Host.ReadAsync("my-secrets-plugin/foo"));

        await test.Host.Catalog.DeregisterAsync(BackendType.Secret, "my-mock-plugin");

        Assert.HasCount(1, await test.Host.Mounts.ListAsync());
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.ReadAsync("my-secrets-plugin/foo"));
        Assert.AreEqual(ErrorCode.Unavailable, error.Code);
        Assert.AreEqual(
            "mount my-secrets-plugin/ is unavailable: plugin 'my-mock-plugin' was deregistered from the catalog; register it again or disable the mount",
            error.Message);

        await test.Host.Catalog.RegisterAsync(registration);
        Assert.IsNotNull(await test.Host.ReadAsync("my-secrets-plugin/foo"));
    }

    [TestMethod]
    public async Task Deregister_WhileEnableIsStartingThePlugin_BlocksTheNewMount()
    {
        await using var external = new ExternalPluginHost();
        var test = external.Test;
        var factory = external.Factory;
        await test.Host.Catalog.RegisterAsync(external.Registration);
        factory.CreateGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var enable = test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "my-mock-plugin" });
        await factory.Creating.Task;
        await test.Host.Catalog.DeregisterAsync(BackendType.Secret, "my-mock-plugin");
        factory.CreateGate.SetResult();
        await enable;

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.ReadAsync("my-mock-plugin/foo"));
        StringAssert.Contains(error.Message, "was deregistered from the catalog");
        await Eventually.TrueAsync(() => Task.FromResult(factory.Created.Single().Backend.Cleanups == 1), "the stale backend is cleaned up");
    }

    [TestMethod]
    public async Task Deregister_OneVersion_LeavesMountsRunningAnotherVersion()
    {
        await using var external = new ExternalPluginHost();
        var test = external.Test;
        foreach (var version in new[] { "v1.0.0", "v2.0.0" })
        {
            await test.Host.Catalog.RegisterAsync(external.Registration with { Version = version });
        }

        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "my-mock-plugin", Path = "one", PluginVersion = "v1.0.0" });
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "my-mock-plugin", Path = "two", PluginVersion = "v2.0.0" });

        await test.Host.Catalog.DeregisterAsync(BackendType.Secret, "my-mock-plugin", "v1.0.0");

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.ReadAsync("one/foo"));
        Assert.AreEqual("mount one/ is unavailable: plugin 'my-mock-plugin' version v1.0.0 was deregistered from the catalog; register it again or disable the mount", error.Message);
        Assert.IsNotNull(await test.Host.ReadAsync("two/foo"));
    }

    [TestMethod]
    public async Task Remount_OfABlockedMount_StaysBlocked()
    {
        await using var external = new ExternalPluginHost();
        var test = external.Test;
        await test.Host.Catalog.RegisterAsync(external.Registration);
        await test.Host.Catalog.RegisterAsync(external.Registration with { Version = "v1.0.0" });
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "my-mock-plugin", Path = "old" });
        await test.Host.Catalog.DeregisterAsync(BackendType.Secret, "my-mock-plugin");

        await test.Host.Mounts.RemountAsync("old", "new");

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.ReadAsync("new/foo"));
        StringAssert.Contains(error.Message, "was deregistered from the catalog", "the move does not fall back to v1.0.0");
    }

    [TestMethod]
    public async Task Reregistration_WhoseEventOvertakesTheDeregistration_LeavesTheMountServing()
    {
        await using var external = new ExternalPluginHost();
        var test = external.Test;
        var registration = external.Registration;
        var catalog = test.Services.GetRequiredService<PluginCatalog>();
        var overtaken = false;
        catalog.Changed += (_, e) =>
        {
            // Runs before the mount table's handler (subscribed later): a registration lands before it sees the deregistration.
            if (e.Kind == CatalogChangeKind.Deregistered && !overtaken)
            {
                overtaken = true;
                catalog.RegisterAsync(registration).GetAwaiter().GetResult();
            }
        };
        await catalog.RegisterAsync(registration);
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "my-mock-plugin" });

        await catalog.DeregisterAsync(BackendType.Secret, "my-mock-plugin");

        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return await test.Host.ReadAsync("my-mock-plugin/foo") is not null;
            }
            catch (PluginHostException)
            {
                return false;
            }
        }, "the mount serves again because its plugin is registered");
    }
}
