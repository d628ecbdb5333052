using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.IntegrationTests;

/// <summary>Plugins that misbehave: the host keeps serving, reports clearly, and leaves no process behind.</summary>
[TestClass]
public sealed class AdversarialPluginTests
{
    private static async Task<PluginFixture> MountedAsync(Action<PluginHostOptions>? configure = null)
    {
        var fixture = new PluginFixture(configure);
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration("adversarial-plugin", BackendType.Secret));
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration("my-mock-plugin", BackendType.Secret));
        await fixture.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "adversarial-plugin", Path = "bad" });
        await fixture.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "my-mock-plugin", Path = "good" });
        return fixture;
    }

    private static async Task<bool> ServesAsync(IPluginHost host, string path)
    {
        try
        {
            return await host.ReadAsync(path) is not null;
        }
        catch (PluginHostException e) when (e.Code == ErrorCode.Unavailable)
        {
            return false;
        }
    }

    [TestMethod]
    public async Task PluginIgnoringCancellation_IsKilledAfterTheGracePeriod()
    {
        await using var fixture = await MountedAsync(o =>
        {
            o.RequestTimeout = TimeSpan.FromSeconds(1);
            o.PluginCancellationGracePeriod = TimeSpan.FromSeconds(1);
        });
        var before = fixture.PluginProcesses();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await fixture.Host.ReadAsync("bad/ignore-cancellation"));

        Assert.AreEqual(ErrorCode.Timeout, error.Code);
        StringAssert.StartsWith(error.Message, "request to bad/ignore-cancellation timed out after 1s");
        await Eventually.TrueAsync(() => Task.FromResult(fixture.PluginProcesses().Count == 1), "the stuck plugin's process is killed; the other one stays");
        await fixture.Host.WriteAsync("good/kv/still", new { serving = true });
        await Eventually.TrueAsync(() => ServesAsync(fixture.Host, "bad/anything"), "the killed plugin is relaunched", TimeSpan.FromSeconds(30));
        Assert.HasCount(2, before);
    }

    [TestMethod]
    public async Task PluginCrashingMidRequest_FailsThatRequestWithItsExitCode_OthersKeepServing()
    {
        await using var fixture = await MountedAsync();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await fixture.Host.ReadAsync("bad/crash"));

        Assert.AreEqual(ErrorCode.Unavailable, error.Code, $"{error.Message} / {error.InnerException?.GetType()}: {error.InnerException?.Message}");
        StringAssert.Contains(error.Message, "adversarial-plugin");
        await fixture.Host.WriteAsync("good/kv/k", new { v = 1 });
        Assert.IsNotNull(await fixture.Host.ReadAsync("good/kv/k"));
        var next = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await fixture.Host.ReadAsync("bad/x"));
        StringAssert.Contains(next.Message, "exited with code 3; its last stderr lines: about to crash on purpose");
    }

    [TestMethod]
    public async Task PluginSendingAnOversizedMessage_IsDroppedSayingWhy()
    {
        await using var fixture = await MountedAsync(o => o.MaxPluginMessageBytes = 1024 * 1024);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await fixture.Host.ReadAsync("bad/huge"));

        Assert.AreEqual(ErrorCode.Unavailable, error.Code);
        await Eventually.TrueAsync(() => Task.FromResult(fixture.PluginProcesses().Count == 1), "the plugin that sent it is stopped");
        string? reason = null;
        await Eventually.TrueAsync(
            async () => (reason = await fixture.Host.Mounts.GetUnavailableReasonAsync(BackendType.Secret, "bad")) is not null,
            "the mount reports why its plugin is gone");
        StringAssert.Contains(reason, "the peer sent a message of");
        StringAssert.Contains(reason, "the limit is 1048576 bytes");
        await fixture.Host.WriteAsync("good/kv/alive", new { yes = true });
        Assert.IsNotNull(await fixture.Host.ReadAsync("good/kv/alive"), "the host and its other plugins are fine");
    }
}
