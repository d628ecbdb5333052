using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Mounts;

[TestClass]
public sealed class MountTableFaultTests
{
    [TestMethod]
    public async Task Enable_StorageFailure_LeavesNoHalfCreatedMount()
    {
        var storage = new FaultyStorage();
        var probe = new ProbeBackend();
        await using var test = TestHost.Create(
            o => o.StorageFactory = _ => storage.Storage,
            b => b.AddBuiltinPlugin("probe", BackendType.Secret, _ => probe));
        storage.FailWritesTo("core/mounts");

        await Assert.ThrowsExactlyAsync<IOException>(() => test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "probe" }));

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
        await using var test = TestHost.Create(o => o.StorageFactory = _ => storage.Storage);
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "secret" });
        await test.Host.WriteAsync("secret/foo", new { value = "bar" });
        storage.FailWritesTo("core/mounts");

        await Assert.ThrowsExactlyAsync<IOException>(() => test.Host.Mounts.DisableAsync(BackendType.Secret, "secret"));

        Assert.HasCount(1, await test.Host.Mounts.ListAsync());
        Assert.AreEqual("bar", (await test.Host.ReadAsync("secret/foo"))!.Data!["value"].GetString());
    }

    [TestMethod]
    public async Task Disable_DataDeleteFailure_StillDisablesAndNewMountDoesNotSeeOldData()
    {
        var storage = new FaultyStorage();
        await using var test = TestHost.Create(o => o.StorageFactory = _ => storage.Storage);
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "secret" });
        await test.Host.WriteAsync("secret/foo", new { value = "bar" });
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
        await using var test = TestHost.Create(o => o.StorageFactory = _ => storage.Storage);
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "old" });
        await test.Host.WriteAsync("old/foo", new { value = "bar" });
        storage.FailWritesTo("core/mounts");

        await Assert.ThrowsExactlyAsync<IOException>(() => test.Host.Mounts.RemountAsync("old", "new"));

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

        await Assert.ThrowsExactlyAsync<IOException>(() => test.Host.Mounts.TuneAsync(
            BackendType.Secret, "probe", new MountTuning { Description = "after", Options = new Dictionary<string, string> { ["x"] = "1" } }));

        Assert.AreEqual("before", (await test.Host.Mounts.GetAsync(BackendType.Secret, "probe"))!.Description);
        Assert.AreEqual(1, probes[1].Cleanups, "the replacement backend is discarded");
        Assert.AreEqual(0, probes[0].Cleanups, "the running backend keeps serving");
        await test.Host.ReadAsync("probe/x");
        Assert.HasCount(1, probes[0].Requests);
    }
}
