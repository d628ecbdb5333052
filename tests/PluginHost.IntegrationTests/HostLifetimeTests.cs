using System.Diagnostics;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.IntegrationTests;

/// <summary>What outlives a host: its data (restart), and never its plugin processes (even under SIGKILL).</summary>
[TestClass]
public sealed class HostLifetimeTests
{
    [TestMethod]
    public async Task HostKilledWithSigkill_LeavesNoPluginProcessBehind()
    {
        var root = Directory.CreateTempSubdirectory("pluginhost-sigkill-").FullName;
        try
        {
            var pluginDirectory = Directory.CreateDirectory(Path.Combine(root, "plugins")).FullName;
            var cacheDirectory = Path.Combine(root, "cache");
            foreach (var plugin in PublishedPlugins.All)
            {
                File.Copy(plugin, Path.Combine(pluginDirectory, Path.GetFileName(plugin)));
            }

            var start = new ProcessStartInfo(PublishedPlugins.ChildHost) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(pluginDirectory);
            start.ArgumentList.Add(cacheDirectory);
            using var host = Process.Start(start)!;
            var stderr = host.StandardError.ReadToEndAsync(TestContext.CancellationToken);
            var ready = await host.StandardOutput.ReadLineAsync(TestContext.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(60), TestContext.CancellationToken);
            Assert.AreEqual("ready", ready, $"the child host started its plugins; its stderr: {(host.HasExited ? await stderr : "(running)")}");
            var plugins = RunningFrom(cacheDirectory);
            Assert.HasCount(2, plugins, "two catalog entries, two processes (the two kv mounts share one)");

            // Process.Kill is SIGKILL on Unix: the host gets no chance to stop anything.
            host.Kill();
            await host.WaitForExitAsync(TestContext.CancellationToken);

            await Eventually.TrueAsync(
                () => Task.FromResult(RunningFrom(cacheDirectory).Count == 0),
                $"plugins {string.Join(", ", plugins)} exit on their own once the killed host's connections close",
                TimeSpan.FromSeconds(5));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public async Task NewHostOnTheSameDataDirectory_RestoresExternalMountsAndServesTheirData()
    {
        var data = Directory.CreateTempSubdirectory("pluginhost-restart-").FullName;
        try
        {
            await using (var first = new PluginFixture(o => o.DataDirectory = data))
            {
                await first.Host.Catalog.RegisterAsync(first.Registration("my-mock-plugin", BackendType.Secret));
                await first.Host.Catalog.RegisterAsync(first.Registration("my-userpass-plugin", BackendType.Auth));
                await first.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "my-mock-plugin", Path = "my-secrets-plugin" });
                await first.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Auth, Plugin = "my-userpass-plugin", Path = "my-auth-plugin" });
                await first.Host.WriteAsync("my-secrets-plugin/kv/foo", new { value = "bar" });
                await first.Host.WriteAsync("auth/my-auth-plugin/users/alice", new { password = "s3cret", token_policies = "dev" });
            }

            await using var second = new PluginFixture(o => o.DataDirectory = data);

            var read = await second.Host.ReadAsync("my-secrets-plugin/kv/foo");
            var login = await second.Host.WriteAsync("auth/my-auth-plugin/login/alice", new { password = "s3cret" });

            Assert.AreEqual("bar", read!.Data!["value"].GetString());
            CollectionAssert.AreEqual(new[] { "dev" }, login!.Auth!.Policies.ToArray());
            Assert.HasCount(2, second.PluginProcesses(), "the restored mounts run their plugins again");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    public TestContext TestContext { get; set; } = null!;

    private static IReadOnlyList<int> RunningFrom(string cacheDirectory) => PluginFixture.ProcessesRunningFrom(cacheDirectory);
}
