using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Storage;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Mounts;

[TestClass]
public sealed class MountTableFaultTests
{
    // A kv mount at PATH holding foo = bar, on storage whose writes the test can make fail.
    private static async Task<TestHost> KvHoldingFooAsync(FaultyStorage storage, string path)
    {
        var test = TestHost.Create(o => o.StorageFactory = _ => storage.Storage);
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = path });
        await test.Host.WriteAsync($"{path}/foo", new { value = "bar" });
        return test;
    }

    private static async Task AssertMountTableSaveFailsAsync(Func<Task> change)
    {
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(change);
        Assert.AreEqual(ErrorCode.Internal, error.Code);
        Assert.AreEqual("could not save the mount table to storage key 'core/mounts': disk failure", error.Message);
        Assert.IsInstanceOfType<IOException>(error.InnerException);
    }

    [TestMethod]
    public async Task Enable_StorageFailure_LeavesNoHalfCreatedMount()
    {
        var storage = new FaultyStorage();
        var probe = new ProbeBackend();
        await using var test = TestHost.Create(
            o => o.StorageFactory = _ => storage.Storage,
            b => b.AddBuiltinPlugin("probe", BackendType.Secret, _ => probe));
        storage.FailWritesTo("core/mounts");

        await AssertMountTableSaveFailsAsync(() => test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "probe" }));

        Assert.IsEmpty(await test.Host.Mounts.ListAsync());
        Assert.IsNull(await storage.Inner.GetAsync("core/mounts"));
        Assert.AreEqual(1, probe.Cleanups, "the backend started for the failed enable is cleaned up");
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.ReadAsync("probe/x"));
        Assert.AreEqual(ErrorCode.NotFound, error.Code);

        storage.FailWritesTo(null);
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "probe" });
        Assert.HasCount(1, await test.Host.Mounts.ListAsync());
    }

    [TestMethod]
    public async Task Disable_StorageFailure_KeepsTheMountAndItsData()
    {
        var storage = new FaultyStorage();
        await using var test = await KvHoldingFooAsync(storage, "secret");
        storage.FailWritesTo("core/mounts");

        await AssertMountTableSaveFailsAsync(() => test.Host.Mounts.DisableAsync(BackendType.Secret, "secret"));

        Assert.HasCount(1, await test.Host.Mounts.ListAsync());
        Assert.AreEqual("bar", (await test.Host.ReadAsync("secret/foo"))!.Data!["value"].GetString());
    }

    [TestMethod]
    public async Task Disable_DataDeleteFailure_StillDisablesAndNewMountDoesNotSeeOldData()
    {
        var storage = new FaultyStorage();
        await using var test = await KvHoldingFooAsync(storage, "secret");
        storage.FailWritesTo("logical/");

        await test.Host.Mounts.DisableAsync(BackendType.Secret, "secret");
        storage.FailWritesTo(null);

        Assert.IsEmpty(await test.Host.Mounts.ListAsync());
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "secret" });
        Assert.IsNull(await test.Host.ReadAsync("secret/foo"));
    }

    [TestMethod]
    public async Task Remount_StorageFailure_KeepsTheOldPathServing()
    {
        var storage = new FaultyStorage();
        await using var test = await KvHoldingFooAsync(storage, "old");
        storage.FailWritesTo("core/mounts");

        await AssertMountTableSaveFailsAsync(() => test.Host.Mounts.RemountAsync("old", "new"));

        Assert.AreEqual("old/", (await test.Host.Mounts.ListAsync()).Single().Path);
        Assert.AreEqual("bar", (await test.Host.ReadAsync("old/foo"))!.Data!["value"].GetString());
    }

    [TestMethod]
    public async Task Tune_StorageFailure_KeepsTheOldSettingsAndBackend()
    {
        var storage = new FaultyStorage();
        var probes = new List<ProbeBackend>();
        await using var test = TestHost.Create(
            o => o.StorageFactory = _ => storage.Storage,
            b => b.AddBuiltinPlugin("probe", BackendType.Secret, _ =>
            {
                var probe = new ProbeBackend();
                probes.Add(probe);
                return probe;
            }));
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "probe", Description = "before" });
        storage.FailWritesTo("core/mounts");

        await AssertMountTableSaveFailsAsync(() => test.Host.Mounts.TuneAsync(
            BackendType.Secret, "probe", new MountTuning { Description = "after", Options = new Dictionary<string, string> { ["x"] = "1" } }));

        Assert.AreEqual("before", (await test.Host.Mounts.GetAsync(BackendType.Secret, "probe"))!.Description);
        Assert.AreEqual(1, probes[1].Cleanups, "the replacement backend is discarded");
        Assert.AreEqual(0, probes[0].Cleanups, "the running backend keeps serving");
        await test.Host.ReadAsync("probe/x");
        Assert.HasCount(1, probes[0].Requests);
    }

    [TestMethod]
    public async Task Enable_PluginWhoseSetupThrows_FailsClearlyAndCleansTheBackendUp()
    {
        var probe = new ProbeBackend { SetupError = new InvalidOperationException("setup boom") };
        await using var test = TestHost.Create(build: b => b.AddBuiltinPlugin("bad", BackendType.Secret, _ => probe));

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "bad" }));

        Assert.AreEqual(ErrorCode.Unavailable, error.Code);
        Assert.AreEqual("plugin 'bad' failed its setup for bad/: setup boom", error.Message);
        Assert.AreEqual(1, probe.Cleanups);
        Assert.IsEmpty(await test.Host.Mounts.ListAsync());
    }

    [TestMethod]
    public async Task Restore_PluginWhoseSetupThrows_DoesNotStopOtherMounts()
    {
        var storage = new InMemoryStorage();
        var failing = false;
        Action<IPluginHostBuilder> builtins = b => b.AddBuiltinPlugin("flaky", BackendType.Secret, _ => new ProbeBackend { SetupError = failing ? new InvalidOperationException("setup boom") : null });
        await using (var first = TestHost.Create(o => o.StorageFactory = _ => storage, builtins))
        {
            await first.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "flaky" });
            await first.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv" });
        }

        failing = true;
        await using var second = TestHost.Create(o => o.StorageFactory = _ => storage, builtins);

        await second.Host.WriteAsync("kv/healthy", new { ok = true });
        Assert.IsNotNull(await second.Host.ReadAsync("kv/healthy"));
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await second.Host.ReadAsync("flaky/x"));
        Assert.AreEqual(ErrorCode.Unavailable, error.Code);
        StringAssert.StartsWith(error.Message, "mount flaky/ is unavailable: plugin 'flaky' failed its setup for flaky/: setup boom" + " (failed 1 time in a row; the next start is tried in ");
    }

    [TestMethod]
    public async Task Restore_DuplicatePathsInStoredTable_FailsNamingTheKey()
    {
        var storage = new InMemoryStorage();
        var entry = """{"table":"secret","path":"kv/","type":"kv","uuid":"u","accessor":"kv_00000000"}""";
        await storage.PutAsync(new StorageEntry("core/mounts", System.Text.Encoding.UTF8.GetBytes($"[{entry},{entry}]")));
        await using var test = TestHost.Create(o => o.StorageFactory = _ => storage);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.Mounts.ListAsync());

        Assert.AreEqual(ErrorCode.Internal, error.Code);
        StringAssert.StartsWith(error.Message, "the mount table in storage key 'core/mounts' is corrupt and cannot be read: entry for \"kv/\" is duplicated");
    }
}
