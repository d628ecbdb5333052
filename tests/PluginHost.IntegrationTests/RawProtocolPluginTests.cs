using System.Diagnostics;
using System.Text.Json;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Storage;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.IntegrationTests;

/// <summary>
/// The plugin written from docs/protocol.md alone (raw socket, System.Text.Json, no SDK) against the real host:
/// if these pass, the document is enough to write a plugin.
/// </summary>
[TestClass]
public sealed class RawProtocolPluginTests
{
    private const string Plugin = "raw-protocol-plugin";

    private static MountRequest RawAt(string path) => new() { Type = BackendType.Secret, Plugin = Plugin, Path = path };

    private static async Task<PluginFixture> RegisteredAsync(Action<PluginHostOptions>? configure = null)
    {
        var fixture = new PluginFixture(configure);
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration(Plugin, BackendType.Secret));
        return fixture;
    }

    [TestMethod]
    public async Task RawPlugin_AsSecretEngine_WritesReadsListsAndDeletes()
    {
        await using var fixture = await RegisteredAsync();
        var host = fixture.Host;
        await host.Mounts.EnableAsync(RawAt("raw"));

        var written = await host.WriteAsync("raw/kv/foo", new { value = "bar", n = 3 });
        var read = await host.ReadAsync("raw/kv/foo");
        await host.WriteAsync("raw/kv/folder/inner", new { value = "x" });
        var listed = await host.ListAsync("raw/kv/");
        var updated = await host.WriteAsync("raw/kv/foo", new { value = "baz" });

        Assert.AreEqual("bar", written!.Data!["value"].GetString(), "a write answers what it stored");
        Assert.AreEqual("bar", read!.Data!["value"].GetString());
        Assert.AreEqual(3, read.Data["n"].GetInt32());
        CollectionAssert.AreEqual(new[] { "folder/", "foo" }, listed.ToArray());
        Assert.AreEqual("baz", updated!.Data!["value"].GetString());
        Assert.IsFalse((await host.ReadAsync("raw/kv/foo"))!.Data!.ContainsKey("n"), "a write replaces every earlier field");

        await host.DeleteAsync("raw/kv/foo");
        Assert.IsNull(await host.ReadAsync("raw/kv/foo"));
        CollectionAssert.AreEqual(new[] { "folder/" }, (await host.ListAsync("raw/kv/")).ToArray());
        Assert.HasCount(1, fixture.PluginProcesses());
    }

    [TestMethod]
    public async Task RawPlugin_AnswersLikeTheSdkPlugin_ForMissingKeysAndBadRequests()
    {
        await using var fixture = await RegisteredAsync();
        var host = fixture.Host;
        await host.Mounts.EnableAsync(RawAt("raw"));

        var missing = await host.ReadAsync("raw/kv/missing");
        var emptyList = await host.ListAsync("raw/kv/");
        var deletedMissing = await host.DeleteAsync("raw/kv/missing");
        var unsupported = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await host.ReadAsync("raw/elsewhere"));
        var noData = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await host.WriteAsync("raw/kv/foo", new { }));
        var badKey = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await host.WriteAsync("raw/kv/a/../b", new { value = "x" }));

        Assert.IsNull(missing, "a read of a missing key answers null");
        Assert.IsEmpty(emptyList);
        Assert.IsNull(deletedMissing);
        Assert.AreEqual(ErrorCode.NotFound, unsupported.Code);
        Assert.AreEqual("unsupported path: elsewhere", unsupported.Message);
        Assert.AreEqual(ErrorCode.BadRequest, noData.Code);
        Assert.AreEqual("no data provided", noData.Message);
        Assert.AreEqual(ErrorCode.BadRequest, badKey.Code, "the host's storage refuses the key and the plugin passes its error on");
    }

    [TestMethod]
    public async Task RawPlugin_KeepsItsDataInTheHostsStorage()
    {
        var storage = new InMemoryStorage();
        await using var fixture = await RegisteredAsync(o => o.StorageFactory = _ => storage);
        var mount = await fixture.Host.Mounts.EnableAsync(RawAt("raw"));

        await fixture.Host.WriteAsync("raw/kv/foo", new { value = "bar" });

        var stored = await storage.GetAsync(mount.StoragePrefix + "kv/foo");
        Assert.IsNotNull(stored, "the write reached the mount's view of the host's storage");
        Assert.AreEqual("bar", JsonDocument.Parse(stored.Value).RootElement.GetProperty("value").GetString());

        // Written behind the plugin's back: it keeps no copy, so the next read answers what the host holds.
        await storage.PutAsync(new StorageEntry(mount.StoragePrefix + "kv/foo", JsonSerializer.SerializeToUtf8Bytes(new { value = "changed" })));
        Assert.AreEqual("changed", (await fixture.Host.ReadAsync("raw/kv/foo"))!.Data!["value"].GetString());
    }

    [TestMethod]
    public async Task RawPlugin_KilledAndRelaunched_ServesTheStoredData()
    {
        await using var fixture = await RegisteredAsync();
        await fixture.Host.Mounts.EnableAsync(RawAt("raw"));
        await fixture.Host.WriteAsync("raw/kv/foo", new { value = "bar" });
        var pid = fixture.PluginProcesses().Single();

        using (var plugin = Process.GetProcessById(pid))
        {
            plugin.Kill();
            await plugin.WaitForExitAsync();
        }

        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return (await fixture.Host.ReadAsync("raw/kv/foo"))?.Data?["value"].GetString() == "bar";
            }
            catch (PluginHostException e) when (e.Code == ErrorCode.Unavailable)
            {
                return false;
            }
        }, "a relaunched plugin serves the data the first process wrote", TimeSpan.FromSeconds(30));
        Assert.AreNotEqual(pid, fixture.PluginProcesses().Single());
    }

    [TestMethod]
    public async Task CancelledRequest_WaitingOnHostStorage_IsAnsweredAsCancelled()
    {
        var storage = new GatedStorage(new InMemoryStorage(), gatedSuffix: "kv/slow");

        // A grace period the test never waits out: a plugin that ignored $/cancelRequest would be killed and logged.
        await using var fixture = await RegisteredAsync(o =>
        {
            o.StorageFactory = _ => storage;
            o.PluginCancellationGracePeriod = TimeSpan.FromSeconds(30);
        });
        await fixture.Host.Mounts.EnableAsync(RawAt("raw"));
        await fixture.Host.WriteAsync("raw/kv/foo", new { value = "bar" });
        var pid = fixture.PluginProcesses().Single();

        try
        {
            using var cancellation = new CancellationTokenSource();
            var read = fixture.Host.ReadAsync("raw/kv/slow", cancellation.Token).AsTask();
            await storage.Entered;
            await cancellation.CancelAsync();

            await Assert.ThrowsAsync<OperationCanceledException>(() => read);
        }
        finally
        {
            storage.Release();
        }

        Assert.AreEqual("bar", (await fixture.Host.ReadAsync("raw/kv/foo"))!.Data!["value"].GetString(), "the same connection goes on serving");
        Assert.AreEqual(pid, fixture.PluginProcesses().Single());
        Assert.IsFalse(fixture.Logs.Entries.Any(e => e.Message.Contains("ignored a cancelled request", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task TwoMounts_ShareOneProcess_WithIsolatedData()
    {
        await using var fixture = await RegisteredAsync();
        var host = fixture.Host;
        await host.Mounts.EnableAsync(RawAt("a"));
        await host.Mounts.EnableAsync(RawAt("b"));

        await host.WriteAsync("a/kv/k", new { from = "a" });
        await host.WriteAsync("b/kv/k", new { from = "b" });
        await host.WriteAsync("a/kv/only-a", new { from = "a" });

        Assert.HasCount(1, fixture.PluginProcesses(), "one process serves both instances");
        Assert.AreEqual("a", (await host.ReadAsync("a/kv/k"))!.Data!["from"].GetString());
        Assert.AreEqual("b", (await host.ReadAsync("b/kv/k"))!.Data!["from"].GetString());
        Assert.IsNull(await host.ReadAsync("b/kv/only-a"));
        CollectionAssert.AreEqual(new[] { "k" }, (await host.ListAsync("b/kv/")).ToArray());

        await host.Mounts.DisableAsync(BackendType.Secret, "a");
        Assert.HasCount(1, fixture.PluginProcesses(), "b still uses the process");
        Assert.AreEqual("b", (await host.ReadAsync("b/kv/k"))!.Data!["from"].GetString());
    }

    [TestMethod]
    public async Task ConcurrentRequestsOnTwoMounts_InterleaveOnOneConnection()
    {
        await using var fixture = await RegisteredAsync();
        var host = fixture.Host;
        await host.Mounts.EnableAsync(RawAt("a"));
        await host.Mounts.EnableAsync(RawAt("b"));

        // Each write is an existence check and a handleRequest, each waiting on a storage call: with 40 at once the
        // plugin holds many host requests while its own storage calls and their answers cross them on the socket.
        var keys = Enumerable.Range(0, 20).Select(i => $"key{i:D2}").ToArray();
        await Task.WhenAll(keys.SelectMany(key => new[] { "a", "b" }.Select(mount =>
            host.WriteAsync($"{mount}/kv/{key}", new { mount, key }).AsTask())));
        var reads = await Task.WhenAll(keys.SelectMany(key => new[] { "a", "b" }.Select(async mount =>
            (mount, key, response: await host.ReadAsync($"{mount}/kv/{key}")))));

        foreach (var (mount, key, response) in reads)
        {
            Assert.AreEqual(mount, response!.Data!["mount"].GetString());
            Assert.AreEqual(key, response.Data["key"].GetString());
        }

        CollectionAssert.AreEqual(keys, (await host.ListAsync("a/kv/")).ToArray());
    }

    [TestMethod]
    public async Task RawPlugin_RegisteredAsAuthMethod_SaysItIsASecretEngineAndIsRefused()
    {
        // Registered under the wrong type, so the catalog lets the mount through and the plugin's setup answer decides.
        await using var fixture = new PluginFixture();
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration(Plugin, BackendType.Auth));

        var wrongType = await Assert.ThrowsExactlyAsync<PluginHostException>(() => fixture.Host.Mounts.EnableAsync(
            new MountRequest { Type = BackendType.Auth, Plugin = Plugin, Path = "raw-auth" }));

        Assert.AreEqual($"cannot mount '{Plugin}' of type 'secret' as an auth method", wrongType.Message);
    }

    [TestMethod]
    public async Task RawPlugin_JsonLogLines_ReachTheHostsLogger()
    {
        await using var fixture = await RegisteredAsync();
        await fixture.Host.Mounts.EnableAsync(RawAt("raw"));

        await Eventually.TrueAsync(
            () => Task.FromResult(fixture.Logs.Entries.Any(e => e.Category == $"PluginHost.Plugins.{Plugin}"
                && e.Level == Microsoft.Extensions.Logging.LogLevel.Information
                && e.Message == $"'{Plugin}' connected, protocol version 1")),
            "the plugin's 'connected' log line reaches the host's logger at Information");
    }

    [TestMethod]
    public async Task LastMountDisabled_StopsTheProcess()
    {
        await using var fixture = await RegisteredAsync();
        await fixture.Host.Mounts.EnableAsync(RawAt("raw"));
        var pid = fixture.PluginProcesses().Single();

        await fixture.Host.Mounts.DisableAsync(BackendType.Secret, "raw");

        Assert.IsFalse(Directory.Exists($"/proc/{pid}"), "the process stops with its last mount");
        Assert.IsFalse(fixture.Logs.Entries.Any(e => e.Message.Contains("did not exit within", StringComparison.Ordinal)),
            "it exited by itself, not killed after the grace period");
        await Eventually.TrueAsync(
            () => Task.FromResult(fixture.Logs.Entries.Any(e => e.Message == "shutting down: the host asked")),
            "the plugin logged that it received plugin.shutdown");
    }

    [TestMethod]
    public async Task HostDisposal_StopsTheProcess()
    {
        await using var fixture = await RegisteredAsync();
        await fixture.Host.Mounts.EnableAsync(RawAt("one"));
        await fixture.Host.Mounts.EnableAsync(RawAt("two"));
        Assert.HasCount(1, fixture.PluginProcesses());

        Assert.IsEmpty(await fixture.DisposeAndFindSurvivorsAsync(), "the plugin process exits with its host");
    }

    /// <summary>Host storage whose reads of one key wait until the test releases them, so a request can be cancelled mid-flight.</summary>
    private sealed class GatedStorage(IStorage inner, string gatedSuffix) : IStorage
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public void Release() => _released.TrySetResult();

        public async ValueTask<StorageEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
        {
            if (key.EndsWith(gatedSuffix, StringComparison.Ordinal))
            {
                _entered.TrySetResult();
                await _released.Task;
            }

            return await inner.GetAsync(key, cancellationToken);
        }

        public ValueTask PutAsync(StorageEntry entry, CancellationToken cancellationToken = default) => inner.PutAsync(entry, cancellationToken);

        public ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

        public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);
    }
}
