using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Hosting;

[TestClass]
public sealed class PluginHostServiceTests
{
    private static async Task<(TestHost Test, ProbeBackend Probe)> ProbeHostAsync(Action<PluginHostOptions>? configure = null)
    {
        var probe = new ProbeBackend();
        var test = TestHost.Create(configure, b => b.AddBuiltinPlugin("probe", BackendType.Secret, _ => probe));
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "probe", Path = "p" });
        return (test, probe);
    }

    [TestMethod]
    public async Task Kv_WriteReadListDelete_ThroughTheHost()
    {
        await using var test = TestHost.Create();
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "secret" });

        await test.Host.WriteAsync("secret/foo", new { value = "bar" });
        await test.Host.WriteAsync("secret/team/db", new Dictionary<string, object> { ["password"] = "x" });

        Assert.AreEqual("bar", (await test.Host.ReadAsync("secret/foo"))!.Data!["value"].GetString());
        CollectionAssert.AreEqual(new[] { "foo", "team/" }, (await test.Host.ListAsync("secret/")).ToArray());
        await test.Host.DeleteAsync("secret/foo");
        Assert.IsNull(await test.Host.ReadAsync("secret/foo"));
    }

    [TestMethod]
    public async Task Userpass_LoginThroughAuthMount_ReturnsPolicies()
    {
        await using var test = TestHost.Create();
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Auth, Plugin = "userpass" });
        await test.Host.WriteAsync("auth/userpass/users/alice", new { password = "correct horse", policies = "dev,ops" });

        var login = await test.Host.WriteAsync("auth/userpass/login/alice", new { password = "correct horse" });

        CollectionAssert.AreEqual(new[] { "dev", "ops" }, login!.Auth!.Policies.ToArray());
        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.WriteAsync("auth/userpass/login/alice", new { password = "wrong" }));
        Assert.AreEqual("invalid username or password", refused.Message);
    }

    [TestMethod]
    public async Task Request_IsRoutedWithPathRelativeToMountAndMountPoint()
    {
        var (test, probe) = await ProbeHostAsync();
        await using var _ = test;

        await test.Host.ReadAsync("/p/a/b");
        await test.Host.ReadAsync("p");

        var requests = probe.Requests.ToArray();
        Assert.AreEqual("a/b", requests[0].Path);
        Assert.AreEqual("p/", requests[0].MountPoint);
        Assert.IsFalse(string.IsNullOrEmpty(requests[0].RequestId));
        Assert.AreEqual("", requests[1].Path);
    }

    [TestMethod]
    [DataRow(false, Operation.Create)]
    [DataRow(true, Operation.Update)]
    [DataRow(null, Operation.Update)]
    public async Task Write_ExistenceCheckDecidesCreateOrUpdate(bool? exists, Operation expected)
    {
        var (test, probe) = await ProbeHostAsync();
        await using var _ = test;
        probe.Exists = exists;

        await test.Host.WriteAsync("p/key", new { v = 1 });

        Assert.AreEqual(expected, probe.Requests.Single().Operation);
    }

    [TestMethod]
    public async Task Request_UnmountedPath_IsNotFoundInVaultWording()
    {
        await using var test = TestHost.Create();
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.ReadAsync("nothing/here"));
        Assert.AreEqual(ErrorCode.NotFound, error.Code);
        Assert.AreEqual("no handler for route \"nothing/here\". route entry not found.", error.Message);
    }

    [TestMethod]
    public async Task Request_EmptyPath_IsBadRequest()
    {
        await using var test = TestHost.Create();
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.ReadAsync("/"));
        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
    }

    [TestMethod]
    public async Task Request_BackendThrowsUnexpectedly_IsInternalErrorNamingTheMount()
    {
        var (test, _) = await ProbeHostAsync();
        await using var __ = test;
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.ReadAsync("p/throw"));
        Assert.AreEqual(ErrorCode.Internal, error.Code);
        Assert.AreEqual("backend at p/ failed: probe exploded", error.Message);
        Assert.IsInstanceOfType<InvalidOperationException>(error.InnerException);
    }

    [TestMethod]
    public async Task Request_SlowerThanRequestTimeout_FailsWithTimeout()
    {
        var (test, probe) = await ProbeHostAsync(o => o.RequestTimeout = TimeSpan.FromMilliseconds(50));
        await using var _ = test;

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.ReadAsync("p/hold"));

        Assert.AreEqual(ErrorCode.Timeout, error.Code);
        StringAssert.StartsWith(error.Message, "request to p/hold timed out after 0.05s");
    }

    [TestMethod]
    public async Task Request_CancelledByCaller_PropagatesCancellationToTheBackend()
    {
        var (test, probe) = await ProbeHostAsync();
        await using var _ = test;
        using var cancel = new CancellationTokenSource();

        var pending = test.Host.ReadAsync("p/hold", cancel.Token).AsTask();
        await probe.Entered.Task;
        await cancel.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => pending);
    }

    [TestMethod]
    public async Task Disable_WaitsForInFlightRequestsAndRefusesNewOnesMeanwhile()
    {
        var (test, probe) = await ProbeHostAsync();
        await using var _ = test;
        var inFlight = test.Host.ReadAsync("p/hold").AsTask();
        await probe.Entered.Task;

        var disable = test.Host.Mounts.DisableAsync(BackendType.Secret, "p");
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await test.Host.ReadAsync("p/other");
                return false;
            }
            catch (PluginHostException e) when (e.Code == ErrorCode.Unavailable)
            {
                StringAssert.Contains(e.Message, "mount p/ is being disabled");
                return true;
            }
        }, "new requests are refused while the mount drains");
        Assert.IsFalse(disable.IsCompleted, "disable waits for the request in flight");
        Assert.AreEqual(0, probe.Cleanups);

        probe.Gate.SetResult();

        Assert.AreEqual("hold", (await inFlight)!.Data!["path"].GetString());
        await disable;
        Assert.AreEqual(1, probe.Cleanups);
    }

    [TestMethod]
    public async Task Dispose_CleansUpEveryBackend()
    {
        var (test, probe) = await ProbeHostAsync();
        await test.DisposeAsync();
        Assert.AreEqual(1, probe.Cleanups);
    }

    [TestMethod]
    public async Task AddPluginHost_WithoutLogging_Resolves_AndDataDirectoryUsesFileStorage()
    {
        var directory = Path.Combine(Path.GetTempPath(), "pluginhost-di-" + Guid.NewGuid().ToString("N"));
        try
        {
            var services = new ServiceCollection();
            services.AddPluginHost(o => o.DataDirectory = directory);
            await using (var provider = services.BuildServiceProvider())
            {
                var host = provider.GetRequiredService<IPluginHost>();
                await host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv" });
                Assert.IsTrue(Directory.EnumerateFileSystemEntries(directory).Any(), "the data directory holds the mount table");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestMethod]
    public void AddPluginHost_InvalidOptions_FailWhenResolvedNamingEachProblem()
    {
        var services = new ServiceCollection();
        services.AddPluginHost(o =>
        {
            o.RequestTimeout = TimeSpan.FromMilliseconds(-5);
            o.DrainTimeout = TimeSpan.FromSeconds(-1);
            o.PluginDirectory = "relative/plugins";
            o.StorageLockTimeout = TimeSpan.MaxValue;
            o.PluginStartTimeout = TimeSpan.Zero;
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.ThrowsExactly<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<IPluginHost>());

        StringAssert.Contains(error.Message, "PluginHostOptions.RequestTimeout must be positive");
        StringAssert.Contains(error.Message, "PluginHostOptions.DrainTimeout cannot be negative");
        StringAssert.Contains(error.Message, "PluginHostOptions.PluginDirectory must be an absolute path");
        StringAssert.Contains(error.Message, "PluginHostOptions.StorageLockTimeout can be at most 50 days");
        StringAssert.Contains(error.Message, "PluginHostOptions.PluginStartTimeout must be positive");
    }

    [TestMethod]
    public void AddPluginHost_InvalidStorageCallLimits_FailWhenResolvedNamingEachProblem()
    {
        var services = new ServiceCollection();
        services.AddPluginHost(o =>
        {
            o.MaxStorageCallsInFlightPerPlugin = 8;
            o.MaxStorageCallsInFlightPerInstance = 9;
            o.PluginWriteStallTimeout = TimeSpan.Zero;
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.ThrowsExactly<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<IPluginHost>());

        StringAssert.Contains(error.Message, "PluginHostOptions.MaxStorageCallsInFlightPerInstance must be at least 1 and at most MaxStorageCallsInFlightPerPlugin (8), not 9");
        StringAssert.Contains(error.Message, "PluginHostOptions.PluginWriteStallTimeout must be positive (or Timeout.InfiniteTimeSpan), not 00:00:00");
    }

    [TestMethod]
    public async Task SynchronousDisposeOfTheProvider_CleansUpBackends()
    {
        var probe = new ProbeBackend();
        var services = new ServiceCollection();
        services.AddPluginHost().AddBuiltinPlugin("probe", BackendType.Secret, _ => probe);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IPluginHost>().Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "probe" });

        provider.Dispose();

        Assert.AreEqual(1, probe.Cleanups);
    }
}
