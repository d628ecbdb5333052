using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.IntegrationTests;

/// <summary>
/// The guide's plugin behind a Shamir seal, with real plugin processes: a restart is sealed and runs no plugin, three of
/// five shares bring the mount back with its data, and sealing stops the plugin again.
/// </summary>
[TestClass]
public sealed class SealTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public async Task ARestart_IsSealed_WithNoPluginRunning_AndThreeOfFiveSharesBringTheGuidesMountBack()
    {
        var data = Directory.CreateTempSubdirectory("pluginhost-sealed-").FullName;
        try
        {
            string[] keys;
            await using (var first = new PluginFixture(o => o.DataDirectory = data, b => b.UseShamirSeal()))
            {
                var init = (await first.Host.WriteAsync("sys/init", new { secret_shares = 5, secret_threshold = 3 }, TestContext.CancellationToken))!.Data!;
                keys = [.. init["keys"].EnumerateArray().Select(k => k.GetString()!)];
                await UnsealAsync(first.Host, keys[0], keys[1], keys[2]);
                await first.Host.Catalog.RegisterAsync(first.Registration("my-mock-plugin", BackendType.Secret), TestContext.CancellationToken);
                await first.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "my-mock-plugin", Path = "my-secrets-plugin" }, TestContext.CancellationToken);
                await first.Host.WriteAsync("my-secrets-plugin/kv/foo", new { value = "bar" }, TestContext.CancellationToken);
            }

            await using var restarted = new PluginFixture(o => o.DataDirectory = data, b => b.UseShamirSeal());
            var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await restarted.Host.ReadAsync("my-secrets-plugin/kv/foo", TestContext.CancellationToken));
            Assert.AreEqual("Vault is sealed", refused.Message);
            Assert.IsTrue((await restarted.Host.ReadAsync("sys/seal-status", TestContext.CancellationToken))!.Data!["sealed"].GetBoolean());
            Assert.IsEmpty(restarted.PluginProcesses(), "a sealed host starts no plugin");

            await UnsealAsync(restarted.Host, keys[4], keys[1], keys[3]);

            Assert.AreEqual("bar", (await restarted.Host.ReadAsync("my-secrets-plugin/kv/foo", TestContext.CancellationToken))!.Data!["value"].GetString());
            Assert.HasCount(1, restarted.PluginProcesses(), "the unseal started the mount's plugin");

            await restarted.Host.WriteAsync("sys/seal", new { }, TestContext.CancellationToken);
            await Eventually.TrueAsync(
                () => Task.FromResult(restarted.PluginProcesses().Count == 0),
                "sealing stops the plugin process",
                TimeSpan.FromSeconds(10));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private async Task UnsealAsync(IPluginHost host, params string[] shares)
    {
        foreach (var share in shares)
        {
            await host.WriteAsync("sys/unseal", new { key = share }, TestContext.CancellationToken);
        }

        Assert.IsFalse((await host.ReadAsync("sys/seal-status", TestContext.CancellationToken))!.Data!["sealed"].GetBoolean());
    }
}
