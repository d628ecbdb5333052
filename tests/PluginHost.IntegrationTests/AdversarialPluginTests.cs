using Microsoft.Extensions.Logging;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.IntegrationTests;

/// <summary>Plugins that misbehave: the host keeps serving, reports clearly, and leaves no process behind.</summary>
[TestClass]
public sealed class AdversarialPluginTests
{
    private const string Plugin = "adversarial-plugin";
    private const string PluginLogCategory = "PluginHost.Plugins." + Plugin;

    private static async Task<PluginFixture> MountedAsync(Action<PluginHostOptions>? configure = null, string mode = "normal")
    {
        var fixture = new PluginFixture(configure);
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration(Plugin, BackendType.Secret) with
        {
            Env = new Dictionary<string, string> { ["ADVERSARIAL_MODE"] = mode },
        });
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration("my-mock-plugin", BackendType.Secret));
        await fixture.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = Plugin, Path = "bad" });
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

    private static async Task<int> PidOfAsync(IPluginHost host) => (await host.ReadAsync("bad/pid"))!.Data!["pid"].GetInt32();

    private static bool Logged(PluginFixture fixture, string message) =>
        fixture.Logs.Entries.Any(e => e.Category == PluginLogCategory && e.Message == message);

    private static async Task<Dictionary<string, string>> SnapshotAsync(IStorage storage, string folder = "")
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var child in await storage.ListAsync(folder))
        {
            if (child.EndsWith('/'))
            {
                foreach (var (key, value) in await SnapshotAsync(storage, folder + child))
                {
                    entries[key] = value;
                }
            }
            else
            {
                entries[folder + child] = Convert.ToBase64String((await storage.GetAsync(folder + child))!.Value);
            }
        }

        return entries;
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
    public async Task Plugin_SeesOnlyTheMinimalEnvironment_NotTheHostsOwnVariables()
    {
        // What a host's environment may hold (a token, a connection string) must not reach plugin code.
        const string HostSecret = "PLUGINHOST_TESTS_HOST_ONLY_SECRET";
        Environment.SetEnvironmentVariable(HostSecret, "s3cret");
        try
        {
            await using var fixture = await MountedAsync();

            var names = (await fixture.Host.ReadAsync("bad/env"))!.Data!["env"].GetString()!.Split(',');

            string[] allowed =
            [
                "PATH", "DOTNET_ROOT", "HOME", "TMPDIR", // passed on from the host when set
                "ADVERSARIAL_MODE", // the catalog entry's env
                "PWD", // set by the /bin/sh that starts the plugin contained
                PluginHost.Protocol.PluginEnvironment.MagicCookieKey,
                PluginHost.Protocol.PluginEnvironment.Socket, PluginHost.Protocol.PluginEnvironment.Token,
                PluginHost.Protocol.PluginEnvironment.ProtocolVersions, PluginHost.Protocol.PluginEnvironment.PluginName,
            ];
            CollectionAssert.DoesNotContain(names, HostSecret);
            Assert.AreEqual("", string.Join(", ", names.Except(allowed, StringComparer.Ordinal)), "variables the plugin got beyond the minimal set");
        }
        finally
        {
            Environment.SetEnvironmentVariable(HostSecret, null);
        }
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

    [TestMethod]
    public async Task PluginThatHangs_TimesOutClearly_HonoursTheCancellation_AndKeepsServing()
    {
        // A grace period far beyond the test: a kill could only come from a cancellation that was not honoured.
        await using var fixture = await MountedAsync(o =>
        {
            o.RequestTimeout = TimeSpan.FromSeconds(1);
            o.PluginCancellationGracePeriod = TimeSpan.FromMinutes(5);
        });
        var pid = await PidOfAsync(fixture.Host);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await fixture.Host.ReadAsync("bad/hang"));

        Assert.AreEqual(ErrorCode.Timeout, error.Code);
        Assert.AreEqual("request to bad/hang timed out after 1s; raise PluginHostOptions.RequestTimeout if the backend needs longer", error.Message);
        await Eventually.TrueAsync(() => Task.FromResult(Logged(fixture, "hang cancelled")), "the plugin is told to cancel the timed-out request");
        Assert.AreEqual(pid, await PidOfAsync(fixture.Host), "the same process keeps serving its mount");
        await fixture.Host.WriteAsync("good/kv/k", new { v = 1 });
        Assert.IsNotNull(await fixture.Host.ReadAsync("good/kv/k"));
        CollectionAssert.AreEqual(new[] { pid }, fixture.PluginProcesses(Plugin).ToArray());
        Assert.IsFalse(fixture.Logs.Entries.Any(e => e.Message.Contains("ignored a cancelled request", StringComparison.Ordinal)));
        Assert.IsEmpty(await fixture.DisposeAndFindSurvivorsAsync(), "no plugin process outlives the host");
    }

    [TestMethod]
    public async Task PluginHangingOnOneRequest_ServesItsOtherRequestsAndTheOtherMountsMeanwhile()
    {
        await using var fixture = await MountedAsync();
        var pid = await PidOfAsync(fixture.Host);
        using var caller = new CancellationTokenSource();

        var hanging = fixture.Host.ReadAsync("bad/hang", caller.Token).AsTask();
        await Eventually.TrueAsync(() => Task.FromResult(Logged(fixture, "hang started")), "the plugin is working on the request");
        await fixture.Host.WriteAsync("good/kv/k", new { v = 1 });
        await fixture.Host.WriteAsync("bad/kv/k", new { v = 2 });
        Assert.AreEqual(1, (await fixture.Host.ReadAsync("good/kv/k"))!.Data!["v"].GetInt32());
        Assert.AreEqual(2, (await fixture.Host.ReadAsync("bad/kv/k"))!.Data!["v"].GetInt32());
        Assert.AreEqual(pid, await PidOfAsync(fixture.Host));
        Assert.IsFalse(hanging.IsCompleted, "only the caller can end the hanging request here (the request timeout is a minute)");
        await caller.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => hanging);
        await Eventually.TrueAsync(() => Task.FromResult(Logged(fixture, "hang cancelled")), "the cancellation reaches the plugin");
        Assert.AreEqual(pid, await PidOfAsync(fixture.Host));
        Assert.IsEmpty(await fixture.DisposeAndFindSurvivorsAsync(), "no plugin process outlives the host");
    }

    [TestMethod]
    [DataRow("garbage", "the peer sent a message header longer than 4096 bytes; the connection is dropped")]
    [DataRow("garbage-json", "the peer sent a message that is not valid JSON-RPC ('t' is an invalid start of a property name.")]
    [DataRow("duplicate-content-length", "the peer sent a message header with 2 Content-Length lines; the connection is dropped")]
    public async Task PluginWritingGarbageAfterItsHello_IsDroppedSayingWhy_FailsWhatWasInFlight_AndIsRelaunched(string path, string reason)
    {
        await using var fixture = await MountedAsync();
        await fixture.Host.WriteAsync("bad/kv/before", new { v = "stored before" });
        await fixture.Host.WriteAsync("good/kv/k", new { v = "good" });
        var pid = await PidOfAsync(fixture.Host);
        var inFlight = fixture.Host.ReadAsync("bad/hang").AsTask();
        await Eventually.TrueAsync(() => Task.FromResult(Logged(fixture, "hang started")), "a request is in flight to the plugin");

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await fixture.Host.ReadAsync($"bad/{path}"));
        var inFlightError = await Assert.ThrowsExactlyAsync<PluginHostException>(() => inFlight);

        Assert.AreEqual(ErrorCode.Unavailable, error.Code);
        StringAssert.StartsWith(error.Message, $"plugin '{Plugin}' (pid {pid}) ");
        StringAssert.Contains(error.Message, reason);
        Assert.AreEqual(ErrorCode.Unavailable, inFlightError.Code);
        StringAssert.StartsWith(inFlightError.Message, $"plugin '{Plugin}' (pid {pid}) ");
        await Eventually.TrueAsync(() => Task.FromResult(fixture.PluginProcesses(Plugin).Count == 0), "the dropped plugin's process is gone");
        Assert.AreEqual("good", (await fixture.Host.ReadAsync("good/kv/k"))!.Data!["v"].GetString(), "the other plugin keeps serving");
        await Eventually.TrueAsync(() => ServesAsync(fixture.Host, "bad/pid"), "the plugin is relaunched after the retry delay", TimeSpan.FromSeconds(30));
        Assert.AreNotEqual(pid, await PidOfAsync(fixture.Host));
        Assert.AreEqual("stored before", (await fixture.Host.ReadAsync("bad/kv/before"))!.Data!["v"].GetString(), "nothing stored is lost");
        Assert.IsEmpty(await fixture.DisposeAndFindSurvivorsAsync(), "no plugin process outlives the host");
    }

    [TestMethod]
    public async Task PluginFloodingStderr_DoesNotStallTheHost_ItsLinesAreCappedAndStillLogged()
    {
        await using var fixture = await MountedAsync(mode: "stderr-flood");
        await Eventually.TrueAsync(
            () => Task.FromResult(fixture.Logs.Entries.Any(e => e.Category == PluginLogCategory && e.Message.StartsWith("long line ", StringComparison.Ordinal))),
            "the flood is being read");

        // The flood runs until stop-flood: everything below happens while it goes on.
        var pid = await PidOfAsync(fixture.Host);
        for (var i = 0; i < 5; i++)
        {
            await fixture.Host.WriteAsync($"good/kv/{i}", new { i });
            await fixture.Host.WriteAsync($"bad/kv/{i}", new { i });
            Assert.AreEqual(i, (await fixture.Host.ReadAsync($"bad/kv/{i}"))!.Data!["i"].GetInt32());
        }

        var flooded = (await fixture.Host.ReadAsync("bad/stop-flood"))!.Data!["flooded_bytes"].GetInt64();
        await Eventually.TrueAsync(
            () => Task.FromResult(fixture.Logs.Entries.Any(e => e.Category == PluginLogCategory && e.Message.StartsWith("stderr flood finished after ", StringComparison.Ordinal))),
            "every line up to the flood's last one is read");

        var lines = fixture.Logs.Entries.Where(e => e.Category == PluginLogCategory).ToArray();
        Assert.IsGreaterThanOrEqualTo(32L * 1024 * 1024, flooded, "tens of MB went through stderr");
        Assert.IsTrue(lines.All(e => e.Message.Length <= 16 * 1024 + 100), $"no log entry holds a whole 1 MiB line; the longest has {lines.Max(e => e.Message.Length)} characters");
        var longLines = lines.Where(e => e.Message.StartsWith("long line ", StringComparison.Ordinal)).ToArray();
        Assert.IsGreaterThanOrEqualTo(32, longLines.Length);
        Assert.IsTrue(longLines.All(e => e.Message.EndsWith("… [truncated: the line was longer than 16384 characters]", StringComparison.Ordinal)));
        Assert.IsTrue(lines.Any(e => e.Level == LogLevel.Warning && e.Message == "flood line 99"), "JSON lines among the flood keep their level");
        Assert.AreEqual(pid, await PidOfAsync(fixture.Host));
        Assert.AreEqual(4, (await fixture.Host.ReadAsync("good/kv/4"))!.Data!["i"].GetInt32());
        Assert.IsEmpty(await fixture.DisposeAndFindSurvivorsAsync(), "no plugin process outlives the host");
    }

    [TestMethod]
    public async Task PluginReachingOutsideItsStorageView_IsRefused_AndNothingOutsideTheViewChanges()
    {
        await using var fixture = await MountedAsync();
        await fixture.Host.WriteAsync("good/kv/secret", new { value = "good's secret" });
        var good = (await fixture.Host.Mounts.GetAsync(BackendType.Secret, "good"))!.Uuid;
        var bad = (await fixture.Host.Mounts.GetAsync(BackendType.Secret, "bad"))!.Uuid;
        var before = await SnapshotAsync(fixture.Storage);

        var outcomes = (await fixture.Host.WriteAsync("bad/escape", new { other_instance = good }))!.Data!
            .ToDictionary(e => e.Key, e => e.Value.GetString());

        var dotDot = "has a '..' segment; keys cannot name relative paths";
        var expected = new Dictionary<string, string>
        {
            ["get-parent"] = $"refused 400: storage key '../x' {dotDot}",
            ["put-parent-core-mounts"] = $"refused 400: storage key '../../core/mounts' {dotDot}",
            ["put-nested-parent"] = $"refused 400: storage key 'kv/../../../escaped' {dotDot}",
            ["put-absolute"] = "refused 400: storage key '/abs' has an empty segment (a leading, trailing or doubled '/')",
            ["put-backslash-parent"] = "refused 400: storage key '..\\..\\escaped' contains '\\'; separate segments with '/'",
            ["put-empty-key"] = "refused 400: storage key is empty; give a non-empty '/'-separated key such as 'config/main'",
            ["put-too-long"] = "refused 400: storage key is 1025 characters long; the limit is 1024",
            ["get-nul"] = "refused 400: storage key 'kv/\\0/../../x' contains a NUL character",
            ["delete-parent-core-auth"] = $"refused 400: storage key '../../core/auth' {dotDot}",
            ["list-parent"] = $"refused 400: storage list prefix '../' {dotDot}",
            ["get-other-mount"] = $"refused 403: backend instance '{good}' is not set up on this connection",
            ["put-other-mount"] = $"refused 403: backend instance '{good}' is not set up on this connection",
            ["delete-other-mount"] = $"refused 403: backend instance '{good}' is not set up on this connection",
            ["list-other-mount"] = $"refused 403: backend instance '{good}' is not set up on this connection",
            ["get-made-up-instance"] = "refused 403: backend instance '00000000000000000000000000000000' is not set up on this connection",
            ["get-own-backend-uuid"] = $"refused 403: backend instance '{bad}' is not set up on this connection",
            ["get-no-instance"] = "refused 400: storage calls need an 'instance_id': the one given in the backend.setup of the mount the call is for",
            ["put-core-lookalike"] = "allowed: null",
            ["put-other-view-lookalike"] = "allowed: null",
        };
        foreach (var (name, outcome) in expected)
        {
            Assert.AreEqual(outcome, outcomes.GetValueOrDefault(name), name);
        }

        Assert.HasCount(expected.Count, outcomes);
        var after = await SnapshotAsync(fixture.Storage);
        var view = $"logical/{bad}/";
        CollectionAssert.AreEquivalent(
            before.Where(e => !e.Key.StartsWith(view, StringComparison.Ordinal)).ToArray(),
            after.Where(e => !e.Key.StartsWith(view, StringComparison.Ordinal)).ToArray(),
            "nothing outside the plugin's view was written or deleted");
        CollectionAssert.AreEquivalent(
            new[] { $"{view}core/plugin-catalog/secret/my-mock-plugin", $"{view}logical/{good}/kv/secret" },
            after.Keys.Except(before.Keys).ToArray(),
            "the look-alike keys landed inside the view");
        Assert.AreEqual("good's secret", (await fixture.Host.ReadAsync("good/kv/secret"))!.Data!["value"].GetString());
        Assert.IsEmpty(await fixture.DisposeAndFindSurvivorsAsync(), "no plugin process outlives the host");
    }

    [TestMethod]
    public async Task PluginFloodingStorageCallsWithoutReadingAnswers_IsHeldAtTheCap_StoppedSayingWhy_AndOthersKeepServing()
    {
        var storage = new CountingStorage("/kv/big");
        await using var fixture = await MountedAsync(o =>
        {
            o.StorageFactory = _ => storage;
            o.MaxStorageCallsInFlightPerPlugin = 8;
            o.MaxStorageCallsInFlightPerInstance = 8;
            o.PluginWriteStallTimeout = TimeSpan.FromSeconds(3);
        });
        var pid = await PidOfAsync(fixture.Host);

        // 1 MiB answers: the first one the plugin does not read already fills the socket's buffers.
        await fixture.Host.WriteAsync("bad/kv/big", new { blob = new string('x', 1024 * 1024) });
        var flood = fixture.Host.WriteAsync("bad/flood", new { key = "kv/big", count = "100000" }).AsTask();
        await Eventually.TrueAsync(() => Task.FromResult(storage.Gets >= 8), "the host serves the flood up to its cap");
        await fixture.Host.WriteAsync("good/kv/during", new { v = "flood" });
        Assert.AreEqual("flood", (await fixture.Host.ReadAsync("good/kv/during"))!.Data!["v"].GetString(), "the other plugin keeps serving");

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => flood);

        Assert.AreEqual(ErrorCode.Unavailable, error.Code);
        StringAssert.StartsWith(error.Message, $"plugin '{Plugin}' (pid {pid}) ");
        StringAssert.Contains(error.Message, "the plugin stopped reading its connection: a message to it stayed unwritten for 3s with 8 of its requests in flight");
        Assert.IsLessThanOrEqualTo(8, storage.Gets, "storage calls served while the plugin read none of the answers");
        Assert.IsTrue(fixture.Logs.Entries.Any(e => e.Level == LogLevel.Warning && e.Message.Contains($"Plugin {Plugin} (pid {pid}) broke the protocol: the plugin stopped reading", StringComparison.Ordinal)));
        await Eventually.TrueAsync(() => ServesAsync(fixture.Host, "bad/pid"), "the plugin is relaunched on a later request", TimeSpan.FromSeconds(30));
        Assert.AreNotEqual(pid, await PidOfAsync(fixture.Host));
        Assert.IsEmpty(await fixture.DisposeAndFindSurvivorsAsync(), "no plugin process outlives the host");
    }

    [TestMethod]
    public async Task PluginFloodingStorageCalls_ItsIgnoredRequestTimesOut_ItIsKilledAfterTheGrace_AndTheMountRecovers()
    {
        var storage = new CountingStorage("/kv/big");
        await using var fixture = await MountedAsync(o =>
        {
            o.StorageFactory = _ => storage;
            o.MaxStorageCallsInFlightPerPlugin = 8;
            o.MaxStorageCallsInFlightPerInstance = 8;
            o.RequestTimeout = TimeSpan.FromSeconds(2);
            o.PluginCancellationGracePeriod = TimeSpan.FromSeconds(1);

            // Only the cancellation grace can end the flood here.
            o.PluginWriteStallTimeout = Timeout.InfiniteTimeSpan;
        });
        var pid = await PidOfAsync(fixture.Host);
        await fixture.Host.WriteAsync("bad/kv/big", new { blob = new string('x', 1024 * 1024) });

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await fixture.Host.WriteAsync("bad/flood", new { key = "kv/big", count = "100000" }));

        Assert.AreEqual(ErrorCode.Timeout, error.Code, error.Message);
        await Eventually.TrueAsync(
            () => Task.FromResult(fixture.Logs.Entries.Any(e => e.Message.StartsWith($"Plugin {Plugin} (pid {pid}) ignored a cancelled request", StringComparison.Ordinal))),
            "the flooding plugin is killed for ignoring the cancellation");
        Assert.IsLessThanOrEqualTo(8, storage.Gets, "storage calls served while the plugin read none of the answers");
        await fixture.Host.WriteAsync("good/kv/k", new { v = 1 });
        await Eventually.TrueAsync(() => ServesAsync(fixture.Host, "bad/pid"), "the mount recovers on a later request", TimeSpan.FromSeconds(30));
        Assert.AreNotEqual(pid, await PidOfAsync(fixture.Host));
        Assert.IsEmpty(await fixture.DisposeAndFindSurvivorsAsync(), "no plugin process outlives the host");
    }

    [TestMethod]
    public async Task PluginKilledWhileALargeRequestIsWritten_FailsThatRequestAsUnavailableNamingIt_NotAsAnInternalError()
    {
        await using var fixture = await MountedAsync();
        var pid = await PidOfAsync(fixture.Host);
        await fixture.Host.ReadAsync("bad/die-mid-write");

        // 8 MiB: far more than the socket buffers hold, so the host is still writing it when the plugin dies.
        var large = new BackendRequest
        {
            Operation = Operation.Read,
            Path = "bad/large",
            Data = new Dictionary<string, System.Text.Json.JsonElement> { ["blob"] = System.Text.Json.JsonSerializer.SerializeToElement(new string('x', 8 * 1024 * 1024)) },
            RequestId = Guid.NewGuid().ToString(),
        };
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await fixture.Host.HandleRequestAsync(large, CancellationToken.None));

        Assert.AreEqual(ErrorCode.Unavailable, error.Code, $"{error.Message} / {error.InnerException?.GetType()}: {error.InnerException?.Message}");
        StringAssert.StartsWith(error.Message, $"plugin '{Plugin}' (pid {pid}) ");
        await fixture.Host.WriteAsync("good/kv/k", new { v = 1 });
        await Eventually.TrueAsync(() => ServesAsync(fixture.Host, "bad/pid"), "the plugin is relaunched on a later request", TimeSpan.FromSeconds(30));
    }

    [TestMethod]
    [DataRow(61)]
    [DataRow(62)]
    public async Task MockPlugin_GivenDataDeeperThanItParses_Answers400_AndTheSameProcessServesTheNextRequest(int levels)
    {
        await using var fixture = await MountedAsync();
        await fixture.Host.WriteAsync("good/kv/before", new { v = 1 });
        var pids = fixture.PluginProcesses("my-mock-plugin");
        var deep = System.Text.Json.JsonDocument.Parse(new string('[', levels) + new string(']', levels)).RootElement.Clone();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await fixture.Host.WriteAsync("good/kv/deep", new { value = deep }));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code, error.Message);
        StringAssert.Contains(error.Message, $"the request data nests {levels + 1} levels deep; plugin 'my-mock-plugin' can be sent at most 61");
        await fixture.Host.WriteAsync("good/kv/after", new { v = 2 });
        Assert.AreEqual(2, (await fixture.Host.ReadAsync("good/kv/after"))!.Data!["v"].GetInt32());
        Assert.HasCount(1, pids);
        CollectionAssert.AreEqual(pids.ToArray(), fixture.PluginProcesses("my-mock-plugin").ToArray(), "the same process serves on");
    }

    /// <summary>The host's storage, counting the reads of keys ending with one suffix (the flood's).</summary>
    private sealed class CountingStorage(string suffix) : IStorage
    {
        private readonly PluginHost.Storage.InMemoryStorage _inner = new();
        private int _gets;

        public int Gets => Volatile.Read(ref _gets);

        public ValueTask<StorageEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
        {
            if (key.EndsWith(suffix, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _gets);
            }

            return _inner.GetAsync(key, cancellationToken);
        }

        public ValueTask PutAsync(StorageEntry entry, CancellationToken cancellationToken = default) => _inner.PutAsync(entry, cancellationToken);

        public ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default) => _inner.DeleteAsync(key, cancellationToken);

        public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) => _inner.ListAsync(prefix, cancellationToken);
    }
}
