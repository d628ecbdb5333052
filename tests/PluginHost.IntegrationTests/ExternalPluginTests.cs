using System.Diagnostics;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.IntegrationTests;

[TestClass]
public sealed class ExternalPluginTests
{
    private static MountRequest MockAt(string path) => new() { Type = BackendType.Secret, Plugin = "my-mock-plugin", Path = path };

    [TestMethod]
    public async Task Guide_MockPlugin_EndToEnd()
    {
        await using var fixture = new PluginFixture();
        var host = fixture.Host;
        await host.Catalog.RegisterAsync(fixture.Registration("my-mock-plugin", BackendType.Secret));
        await host.Mounts.EnableAsync(MockAt("my-secrets-plugin"));

        var written = await host.WriteAsync("my-secrets-plugin/kv/foo", new { value = "bar" });
        Assert.AreEqual("bar", written!.Data!["value"].GetString());
        Assert.AreEqual("bar", (await host.ReadAsync("my-secrets-plugin/kv/foo"))!.Data!["value"].GetString());
        CollectionAssert.AreEqual(new[] { "foo" }, (await host.ListAsync("my-secrets-plugin/kv/")).ToArray());

        var wrongType = await Assert.ThrowsExactlyAsync<PluginHostException>(() => host.Mounts.EnableAsync(
            new MountRequest { Type = BackendType.Auth, Plugin = "my-mock-plugin", Path = "my-auth-plugin" }));
        Assert.AreEqual("cannot mount 'my-mock-plugin' of type 'secret' as an auth method", wrongType.Message);

        await host.DeleteAsync("my-secrets-plugin/kv/foo");
        Assert.IsNull(await host.ReadAsync("my-secrets-plugin/kv/foo"));
        Assert.HasCount(1, fixture.PluginProcesses());

        await host.Mounts.DisableAsync(BackendType.Secret, "my-secrets-plugin");
        Assert.IsEmpty(fixture.PluginProcesses(), "the process stops with its last mount");
    }

    [TestMethod]
    public async Task UserpassPlugin_AsAuthMethod_LogsIn()
    {
        await using var fixture = new PluginFixture();
        var host = fixture.Host;
        await host.Catalog.RegisterAsync(fixture.Registration("my-userpass-plugin", BackendType.Auth));
        await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Auth, Plugin = "my-userpass-plugin", Path = "my-auth-plugin" });
        await host.WriteAsync("auth/my-auth-plugin/users/alice", new { password = "s3cret", policies = "dev" });

        var login = await host.WriteAsync("auth/my-auth-plugin/login/alice", new { password = "s3cret" });
        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await host.WriteAsync("auth/my-auth-plugin/login/alice", new { password = "nope" }));

        CollectionAssert.AreEqual(new[] { "dev" }, login!.Auth!.Policies.ToArray());
        Assert.AreEqual("invalid username or password", refused.Message);
        Assert.AreEqual(ErrorCode.BadRequest, refused.Code);

        // The plugin's own log lines (JSON on its stderr) arrive as host log entries at their level.
        await Eventually.TrueAsync(
            () => Task.FromResult(fixture.Logs.Entries.Any(e => e.Category == "PluginHost.Plugins.my-userpass-plugin"
                && e.Level == Microsoft.Extensions.Logging.LogLevel.Information && e.Message.Contains("Created user alice", StringComparison.Ordinal))),
            "the plugin's 'Created user' log entry reaches the host's logger");
    }

    [TestMethod]
    public async Task PluginLogLines_CarryTheirMountPathAndPidInScope()
    {
        await using var fixture = new PluginFixture();
        var host = fixture.Host;
        await host.Catalog.RegisterAsync(fixture.Registration("my-userpass-plugin", BackendType.Auth));
        await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Auth, Plugin = "my-userpass-plugin", Path = "team-a" });
        await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Auth, Plugin = "my-userpass-plugin", Path = "team-b" });

        await host.WriteAsync("auth/team-a/users/alice", new { password = "s3cret" });
        await host.WriteAsync("auth/team-b/users/bob", new { password = "s3cret" });

        // One process serves both mounts, so only the line can say which mount it is about.
        var pid = fixture.PluginProcesses().Single();
        await Eventually.TrueAsync(
            () => Task.FromResult(CreatedUserLogged(fixture, "alice", "auth/team-a/", pid) && CreatedUserLogged(fixture, "bob", "auth/team-b/", pid)),
            "each 'Created user' line is scoped to its own mount and the shared pid");
    }

    [TestMethod]
    public async Task PluginLogLines_WrittenInATracedRequest_KeepItsTraceId()
    {
        await using var fixture = new PluginFixture();
        var host = fixture.Host;
        await host.Catalog.RegisterAsync(fixture.Registration("my-userpass-plugin", BackendType.Auth));
        await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Auth, Plugin = "my-userpass-plugin", Path = "traced" });
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == PluginHostTelemetry.Name,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);

        // Nothing listens in the plugin process: the trace still reaches it, and comes back on its log line.
        string carolTrace;
        using (var request = new System.Diagnostics.Activity("test request").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start())
        {
            carolTrace = request.TraceId.ToHexString();
            await host.WriteAsync("auth/traced/users/carol", new { password = "s3cret" });
        }

        await Eventually.TrueAsync(
            () => Task.FromResult(fixture.Logs.Entries.Any(e => e.Message.Contains("Created user carol", StringComparison.Ordinal)
                && Equals(e.Scope.GetValueOrDefault("trace_id"), carolTrace)
                && e.Scope.GetValueOrDefault("span_id") is string { Length: 16 })),
            "the plugin's line carries the request's trace id");

        // Another request is another trace (the host starts its own root span for it), never carol's.
        await host.WriteAsync("auth/traced/users/dave", new { password = "s3cret" });
        await Eventually.TrueAsync(
            () => Task.FromResult(fixture.Logs.Entries.Any(e => e.Message.Contains("Created user dave", StringComparison.Ordinal))),
            "the other request's line is logged");
        var dave = fixture.Logs.Entries.Single(e => e.Message.Contains("Created user dave", StringComparison.Ordinal));
        Assert.AreNotEqual(carolTrace, dave.Scope.GetValueOrDefault("trace_id"));
    }

    private static bool CreatedUserLogged(PluginFixture fixture, string user, string mountPath, int pid) =>
        fixture.Logs.Entries.Any(e => e.Category == "PluginHost.Plugins.my-userpass-plugin"
            && e.Message.Contains($"Created user {user}", StringComparison.Ordinal)
            && Equals(e.Scope.GetValueOrDefault("MountPath"), mountPath)
            && Equals(e.Scope.GetValueOrDefault("Pid"), pid)
            && Equals(e.Scope.GetValueOrDefault("PluginName"), "my-userpass-plugin"));

    [TestMethod]
    public async Task TwoMountsOfOneEntry_ShareOneProcess()
    {
        await using var fixture = new PluginFixture();
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration("my-mock-plugin", BackendType.Secret));
        await fixture.Host.Mounts.EnableAsync(MockAt("a"));
        await fixture.Host.Mounts.EnableAsync(MockAt("b"));
        await fixture.Host.WriteAsync("a/kv/k", new { from = "a" });
        await fixture.Host.WriteAsync("b/kv/k", new { from = "b" });

        Assert.HasCount(1, fixture.PluginProcesses());
        Assert.AreEqual("a", (await fixture.Host.ReadAsync("a/kv/k"))!.Data!["from"].GetString());
        Assert.AreEqual("b", (await fixture.Host.ReadAsync("b/kv/k"))!.Data!["from"].GetString());

        await fixture.Host.Mounts.DisableAsync(BackendType.Secret, "a");
        Assert.HasCount(1, fixture.PluginProcesses(), "b still uses the process");
        Assert.AreEqual("b", (await fixture.Host.ReadAsync("b/kv/k"))!.Data!["from"].GetString());
    }

    [TestMethod]
    public async Task BinaryReplacedAfterRegistration_IsRefusedAtLaunch()
    {
        await using var fixture = new PluginFixture();
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration("my-mock-plugin", BackendType.Secret));
        File.Copy(PublishedPlugins.UserpassPlugin, Path.Combine(fixture.PluginDirectory, "my-mock-plugin"), overwrite: true);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => fixture.Host.Mounts.EnableAsync(MockAt("my-secrets-plugin")));

        StringAssert.Contains(error.Message, "checksums did not match for secret plugin 'my-mock-plugin'");
        Assert.IsEmpty(fixture.PluginProcesses());
    }

    [TestMethod]
    public async Task BinaryReplacedUnderARunningMount_IsRefusedAtRelaunch_AndTheMountRecoversWhenTheEntryIsUpdated()
    {
        await using var fixture = new PluginFixture();
        var host = fixture.Host;
        await host.Catalog.RegisterAsync(fixture.Registration("my-mock-plugin", BackendType.Secret));
        await host.Mounts.EnableAsync(MockAt("my-secrets-plugin"));
        await host.WriteAsync("my-secrets-plugin/kv/foo", new { value = "bar" });

        // Someone swaps the file; the running process is not affected until it has to be launched again.
        var binary = Path.Combine(fixture.PluginDirectory, "my-mock-plugin");
        var original = await File.ReadAllBytesAsync(binary);
        File.Copy(PublishedPlugins.UserpassPlugin, binary, overwrite: true);
        using (var plugin = Process.GetProcessById(fixture.PluginProcesses().Single()))
        {
            plugin.Kill();
            await plugin.WaitForExitAsync();
        }

        var refused = await EventuallyRefusedAsync(host, "checksums did not match");
        StringAssert.Contains(refused.Message, "checksums did not match for secret plugin 'my-mock-plugin'");
        Assert.IsTrue((await host.Mounts.ListAsync()).Any(m => m.Path == "my-secrets-plugin/"), "the mount stays");
        Assert.IsEmpty(fixture.PluginProcesses(), "the swapped binary never ran");

        // The operator deploys a good build under a new name and points the catalog entry at it.
        await File.WriteAllBytesAsync(Path.Combine(fixture.PluginDirectory, "my-mock-plugin-v2"), original);
        await host.Catalog.RegisterAsync(fixture.Registration("my-mock-plugin-v2", BackendType.Secret) with { Name = "my-mock-plugin" });

        await Eventually.TrueAsync(async () => await ReadValueOrNullAsync(host, "my-secrets-plugin/kv/foo") == "bar",
            "the mount serves its data again from the updated entry", TimeSpan.FromSeconds(40));
    }

    private static async Task<PluginHostException> EventuallyRefusedAsync(IPluginHost host, string reason)
    {
        PluginHostException? last = null;
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await host.ReadAsync("my-secrets-plugin/kv/foo");
                return false;
            }
            catch (PluginHostException e)
            {
                last = e;
                return e.Message.Contains(reason, StringComparison.Ordinal);
            }
        }, $"a read is refused with '{reason}'", TimeSpan.FromSeconds(40));
        return last!;
    }

    private static async Task<string?> ReadValueOrNullAsync(IPluginHost host, string path)
    {
        try
        {
            return (await host.ReadAsync(path))?.Data?["value"].GetString();
        }
        catch (PluginHostException)
        {
            // Still refused (the retry delay after the failed launch may not have passed yet).
            return null;
        }
    }

    [TestMethod]
    public async Task CrashedPlugin_ThatHadServed_IsRelaunchedWithItsData()
    {
        await using var fixture = new PluginFixture();
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration("my-mock-plugin", BackendType.Secret));
        await fixture.Host.Mounts.EnableAsync(MockAt("my-secrets-plugin"));
        await fixture.Host.WriteAsync("my-secrets-plugin/kv/foo", new { value = "bar" });
        var pid = fixture.PluginProcesses().Single();

        using (var plugin = Process.GetProcessById(pid))
        {
            plugin.Kill();
            await plugin.WaitForExitAsync();
        }

        // A read that reaches the dead connection before the host has seen the exit fails naming it;
        // one that comes after relaunches the plugin at once (it had served, so no retry delay).
        string? first;
        try
        {
            first = (await fixture.Host.ReadAsync("my-secrets-plugin/kv/foo"))?.Data?["value"].GetString();
        }
        catch (PluginHostException e)
        {
            Assert.AreEqual(ErrorCode.Unavailable, e.Code);
            StringAssert.Contains(e.Message, $"plugin 'my-mock-plugin' (pid {pid}) exited with code");
            first = null;
        }

        if (first is null)
        {
            await Eventually.TrueAsync(
                async () => await ReadValueOrNullAsync(fixture.Host, "my-secrets-plugin/kv/foo") == "bar",
                "the plugin is relaunched and serves the stored data",
                TimeSpan.FromSeconds(30));
        }
        else
        {
            Assert.AreEqual("bar", first);
        }

        Assert.AreNotEqual(pid, fixture.PluginProcesses().Single());
    }

    [TestMethod]
    public async Task HostDisposal_StopsEveryPluginProcess()
    {
        await using var fixture = new PluginFixture();
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration("my-mock-plugin", BackendType.Secret));
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration("my-userpass-plugin", BackendType.Auth));
        await fixture.Host.Mounts.EnableAsync(MockAt("one"));
        await fixture.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Auth, Plugin = "my-userpass-plugin" });
        Assert.HasCount(2, fixture.PluginProcesses());

        Assert.IsEmpty(await fixture.DisposeAndFindSurvivorsAsync(), "no plugin process outlives its host");
    }

    [TestMethod]
    [DataRow("my-mock-plugin")]
    [DataRow("my-userpass-plugin")]
    [DataRow("raw-protocol-plugin")]
    public Task PluginRunByHand_SaysItIsAPluginAndExitsWithOne(string plugin) =>
        AssertRunByHandSaysItIsAPluginAsync(PublishedPlugins.All.Single(p => Path.GetFileName(p) == plugin));

    /// <summary>Runs a plugin binary without a host (no magic cookie) and expects the SDK's refusal and exit code 1.</summary>
    internal static async Task AssertRunByHandSaysItIsAPluginAsync(string binary)
    {
        var start = new ProcessStartInfo(binary) { RedirectStandardError = true, UseShellExecute = false };
        start.Environment.Remove(PluginHost.Protocol.PluginEnvironment.MagicCookieKey);
        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.AreEqual(1, process.ExitCode);
        Assert.AreEqual("This binary is a plugin. These are not meant to be executed directly.", stderr.Trim());
    }
}
