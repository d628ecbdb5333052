using PluginHost.Hosting;
using PluginHost.Mounts;

namespace PluginHost.IntegrationTests;

[TestClass]
public sealed class ReloadTests
{
    [TestMethod]
    public async Task ReloadUnderLoad_SwitchesToTheReregisteredBinaryAndFailsNoRequest()
    {
        await using var fixture = new PluginFixture();
        var host = fixture.Host;
        await host.Catalog.RegisterAsync(fixture.Registration("my-mock-plugin", BackendType.Secret));
        await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "my-mock-plugin", Path = "a" });
        await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "my-mock-plugin", Path = "b" });
        await host.WriteAsync("a/kv/k", new { v = "a" });
        await host.WriteAsync("b/kv/k", new { v = "b" });
        var oldPid = fixture.PluginProcesses().Single();

        // An upgrade: the same plugin name, now pointing at a new file (here a copy, so a new catalog identity).
        File.Copy(Path.Combine(fixture.PluginDirectory, "my-mock-plugin"), Path.Combine(fixture.PluginDirectory, "my-mock-plugin-2"));
        await host.Catalog.RegisterAsync(fixture.Registration("my-mock-plugin-2", BackendType.Secret) with { Name = "my-mock-plugin" });

        using var stop = new CancellationTokenSource();
        var failures = new List<Exception>();
        var served = 0;
        var callers = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var path = i % 2 == 0 ? "a/kv/k" : "b/kv/k";
                    _ = (await host.ReadAsync(path))!.Data!["v"].GetString();
                    Interlocked.Increment(ref served);
                }
                catch (Exception e)
                {
                    lock (failures)
                    {
                        failures.Add(e);
                    }
                }
            }
        })).ToArray();

        await Tests.TestDoubles.Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref served) > 50), "callers are hammering the mounts");
        var reloaded = await host.Mounts.ReloadPluginAsync(BackendType.Secret, "my-mock-plugin");
        var servedAtReload = Volatile.Read(ref served);
        await Tests.TestDoubles.Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref served) > servedAtReload + 50), "callers keep being served after the reload");
        await stop.CancelAsync();
        await Task.WhenAll(callers);

        Assert.IsEmpty(failures, string.Join(Environment.NewLine, failures.Take(3)));
        Assert.HasCount(2, reloaded);
        var newPid = fixture.PluginProcesses().Single();
        Assert.AreNotEqual(oldPid, newPid, "the old process stopped after draining; the new one serves both mounts");
        Assert.AreEqual("a", (await host.ReadAsync("a/kv/k"))!.Data!["v"].GetString(), "data stays across the reload");
    }

    [TestMethod]
    public async Task ReloadToABinaryThatCannotStart_KeepsTheOldOneServingAndSaysWhy()
    {
        await using var fixture = new PluginFixture();
        var host = fixture.Host;
        await host.Catalog.RegisterAsync(fixture.Registration("my-mock-plugin", BackendType.Secret));
        await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "my-mock-plugin", Path = "a" });
        await host.WriteAsync("a/kv/k", new { v = "a" });
        var broken = Path.Combine(fixture.PluginDirectory, "broken");
        await File.WriteAllTextAsync(broken, "#!/bin/sh\necho 'broken build' >&2\nexit 7\n");
        File.SetUnixFileMode(broken, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await host.Catalog.RegisterAsync(fixture.Registration("broken", BackendType.Secret) with { Name = "my-mock-plugin" });

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => host.Mounts.ReloadAsync(BackendType.Secret, "a"));

        StringAssert.Contains(error.Message, "exited with code 7 before connecting");
        StringAssert.Contains(error.Message, "broken build");
        Assert.AreEqual("a", (await host.ReadAsync("a/kv/k"))!.Data!["v"].GetString(), "the old process keeps serving");
    }
}
