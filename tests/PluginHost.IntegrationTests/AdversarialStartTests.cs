using PluginHost.Hosting;
using PluginHost.Mounts;

namespace PluginHost.IntegrationTests;

/// <summary>
/// Plugins that misbehave before their hello (the mode comes from the catalog entry's env): the mount is refused
/// with the reason, the process is gone by the time the error is reported, and other mounts keep serving.
/// </summary>
[TestClass]
public sealed class AdversarialStartTests
{
    private const string Plugin = "adversarial-plugin";

    [TestMethod]
    [DataRow("exit-before-connect", "it exited with code 4 before connecting; its last stderr lines: exiting before connecting, on purpose")]
    [DataRow("exit-after-connect", "it exited with code 5 before saying hello; its last stderr lines: connected; exiting before the hello, on purpose")]
    [DataRow("never-connect", "it did not connect within 2s (PluginHostOptions.PluginStartTimeout); its last stderr lines: never connecting, on purpose")]
    [DataRow("no-hello", "it connected but did not say hello within 2s (PluginHostOptions.PluginStartTimeout); its last stderr lines: connected; never saying hello, on purpose")]
    [DataRow("garbage", "the plugin broke the protocol before its hello: the peer sent a message header without a valid Content-Length; the connection is dropped; its last stderr lines: connected; writing garbage instead of a hello, on purpose")]
    [DataRow("wrong-token", "the plugin presented a wrong token in its hello; only the process the host started may connect")]
    public async Task PluginMisbehavingBeforeItsHello_IsRefusedSayingWhy_LeavesNoProcess_OthersKeepServing(string mode, string reason)
    {
        await using var fixture = new PluginFixture(o => o.PluginStartTimeout = TimeSpan.FromSeconds(2));
        var host = fixture.Host;
        await host.Catalog.RegisterAsync(fixture.Registration("my-mock-plugin", BackendType.Secret));
        await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "my-mock-plugin", Path = "good" });
        await host.WriteAsync("good/kv/k", new { v = "kept" });
        await host.Catalog.RegisterAsync(fixture.Registration(Plugin, BackendType.Secret) with
        {
            Env = new Dictionary<string, string> { ["ADVERSARIAL_MODE"] = mode },
        });

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = Plugin, Path = "bad" }));

        Assert.AreEqual(ErrorCode.Unavailable, error.Code);
        StringAssert.StartsWith(error.Message, $"plugin '{Plugin}' failed to start: {reason}");
        Assert.IsEmpty(fixture.PluginProcesses(Plugin), "the launch failure is reported once its process is gone");
        Assert.IsNull(await host.Mounts.GetAsync(BackendType.Secret, "bad"), "a failed enable changes nothing");
        Assert.AreEqual("kept", (await host.ReadAsync("good/kv/k"))!.Data!["v"].GetString(), "the other plugin keeps serving");
        Assert.HasCount(1, fixture.PluginProcesses());
        Assert.IsEmpty(await fixture.DisposeAndFindSurvivorsAsync(), "no plugin process outlives the host");
    }
}
