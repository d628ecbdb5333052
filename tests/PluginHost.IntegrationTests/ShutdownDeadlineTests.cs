using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.IntegrationTests;

/// <summary>A host stops within its drain timeout and cancellation grace period, whatever its plugins do.</summary>
[TestClass]
public sealed class ShutdownDeadlineTests
{
    private const string Plugin = "adversarial-plugin";

    // A shutdown deadline of 2 s (drain 1 s + cancellation grace 1 s) and a shutdown grace far longer than it, so the
    // deadline, not the grace, has to end the wait.
    private static PluginFixture WithTwoSecondDeadline() => new(o =>
    {
        o.DrainTimeout = TimeSpan.FromSeconds(1);
        o.PluginCancellationGracePeriod = TimeSpan.FromSeconds(1);
        o.PluginShutdownGracePeriod = TimeSpan.FromMinutes(10);
    });

    [TestMethod]
    public async Task APluginDeafToCleanupShutdownAndItsClosedConnection_IsKilled_SoTheHostStops()
    {
        var fixture = WithTwoSecondDeadline();
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration(Plugin, BackendType.Secret));
        await fixture.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = Plugin, Path = "deaf" });
        await fixture.Host.ReadAsync("deaf/deaf");
        var plugins = fixture.PluginProcesses();
        Assert.HasCount(1, plugins);

        // A request the plugin never answers is still in flight when the host stops.
        var inFlight = fixture.Host.ReadAsync("deaf/ignore-cancellation").AsTask();

        // Without the deadline, disposal waits for the cleanup answer forever; a minute is far past the 2 s it may take.
        await fixture.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1), TestContext.CancellationToken);
        Assert.IsFalse(plugins.Any(pid => Directory.Exists($"/proc/{pid}")), "the deaf plugin was killed");
        var error = await Assert.ThrowsAsync<PluginHostException>(() => inFlight);
        Assert.AreEqual(ErrorCode.Unavailable, error.Code, error.Message);
    }

    [TestMethod]
    public async Task APluginThatAnswersItsCleanupButIgnoresShutdown_IsKilledAtTheDeadline()
    {
        // Its cleanup is answered at once, so the process is already in its (ten-minute) shutdown grace when the
        // deadline passes: the deadline's kill must reach processes being stopped, not only those still serving.
        var fixture = WithTwoSecondDeadline();
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration(Plugin, BackendType.Secret) with
        {
            Env = new Dictionary<string, string> { ["ADVERSARIAL_MODE"] = "hold-output" },
        });
        await fixture.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = Plugin, Path = "stubborn" });
        var grandchild = (await fixture.Host.ReadAsync("stubborn/grandchild"))!.Data!["grandchild"].GetInt32();
        var plugins = fixture.PluginProcesses();
        Assert.HasCount(1, plugins);
        Assert.IsTrue(Directory.Exists($"/proc/{grandchild}"), "the plugin left a grandchild running");

        await fixture.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1), TestContext.CancellationToken);

        Assert.IsFalse(plugins.Any(pid => Directory.Exists($"/proc/{pid}")), "the plugin was killed");
        await Eventually.TrueAsync(() => Task.FromResult(!Directory.Exists($"/proc/{grandchild}")), "its grandchild was killed too");
    }

    public TestContext TestContext { get; set; } = null!;
}
