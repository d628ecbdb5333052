using PluginHost.Hosting;
using PluginHost.Mounts;

namespace PluginHost.IntegrationTests;

/// <summary>
/// The mock plugin compiled with NativeAOT (samples/MockPlugin's NativeAot profile) against a JIT host: the SDK's
/// protocol must work without reflection, from the hello to errors and the shutdown.
/// </summary>
[TestClass]
public sealed class NativeAotPluginTests
{
    private const string Name = "my-mock-plugin-aot";

    [TestMethod]
    public async Task NativeAotMockPlugin_ServesTheGuidesSteps()
    {
        await using var fixture = new PluginFixture();
        File.Copy(PublishedPlugins.MockPluginNativeAot, Path.Combine(fixture.PluginDirectory, Name));
        var host = fixture.Host;
        await host.Catalog.RegisterAsync(fixture.Registration(Name, BackendType.Secret));
        await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = Name, Path = "aot" });
        await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = Name, Path = "aot-2" });

        var written = await host.WriteAsync("aot/kv/foo", new { value = "bar", n = 3, tags = new[] { "a", "b" } });
        Assert.AreEqual("bar", written!.Data!["value"].GetString());
        Assert.AreEqual(3, (await host.ReadAsync("aot/kv/foo"))!.Data!["n"].GetInt32());
        CollectionAssert.AreEqual(new[] { "foo" }, (await host.ListAsync("aot/kv/")).ToArray());
        Assert.IsNull(await host.ReadAsync("aot-2/kv/foo"), "each mount has its own storage");

        var folder = await Assert.ThrowsExactlyAsync<PluginHostException>(() => host.ReadAsync("aot/kv/foo/").AsTask());
        Assert.AreEqual(ErrorCode.BadRequest, folder.Code);
        StringAssert.Contains(folder.Message, "ends with '/', which names a folder");

        await host.DeleteAsync("aot/kv/foo");
        Assert.IsNull(await host.ReadAsync("aot/kv/foo"));
        Assert.HasCount(1, fixture.PluginProcesses(), "both mounts share one native process");
        Assert.IsEmpty(await fixture.DisposeAndFindSurvivorsAsync(), "the native plugin stops with its host");
    }

    [TestMethod]
    public Task NativeAotMockPlugin_RunByHand_SaysItIsAPlugin() =>
        ExternalPluginTests.AssertRunByHandSaysItIsAPluginAsync(PublishedPlugins.MockPluginNativeAot);
}
