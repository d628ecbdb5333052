using PluginHost.Activation;
using PluginHost.Catalog;
using PluginHost.Mounts;
using PluginHost.Runtime;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Mounts;

[TestClass]
public sealed class MountStateTests
{
    private static readonly MountEntry Entry = new()
    {
        Table = BackendType.Secret,
        Path = "probe/",
        PluginName = "probe",
        Uuid = "11111111-1111-1111-1111-111111111111",
        Accessor = "probe_00000000",
    };

    private static ActivatedBackend Activated(ProbeBackend backend, string? version = null) =>
        new(backend, new CatalogEntry { Type = BackendType.Secret, Name = "probe", Version = version, Builtin = false });

    [TestMethod]
    public async Task ConcurrentRequests_ShareOneStart()
    {
        var activations = 0;
        var gate = new TaskCompletionSource<ActivatedBackend>(TaskCreationOptions.RunContinuationsAsynchronously);
        var state = new MountState(Entry, (_, _) => { Interlocked.Increment(ref activations); return new ValueTask<ActivatedBackend>(gate.Task); }, TimeProvider.System);

        var requests = Enumerable.Range(0, 8).Select(_ => state.AcquireAsync(CancellationToken.None).AsTask()).ToArray();
        var backend = new ProbeBackend();
        gate.SetResult(Activated(backend));
        var leases = await Task.WhenAll(requests);

        Assert.AreEqual(1, activations);
        Assert.IsTrue(leases.All(l => ReferenceEquals(l.Backend, backend)));
        Assert.AreEqual(8, leases[0].InFlight);
    }

    [TestMethod]
    public async Task Start_ReplacedWhileActivating_KeepsTheReplacementAndCleansUpItsOwn()
    {
        var gate = new TaskCompletionSource<ActivatedBackend>(TaskCreationOptions.RunContinuationsAsynchronously);
        var state = new MountState(Entry, (_, _) => new ValueTask<ActivatedBackend>(gate.Task), TimeProvider.System);
        var pending = state.AcquireAsync(CancellationToken.None).AsTask();

        var replacement = new ProbeBackend();
        Assert.IsNull(state.Replace(Activated(replacement)));
        var stale = new ProbeBackend();
        gate.SetResult(Activated(stale));

        var lease = await pending;
        Assert.AreSame(replacement, lease.Backend);
        Assert.AreEqual(1, stale.Cleanups, "the backend started for the superseded start is cleaned up");
        Assert.AreEqual(0, replacement.Cleanups);
    }

    [TestMethod]
    public async Task Start_ClosedWhileActivating_CleansUpAndRefusesWithTheReason()
    {
        var gate = new TaskCompletionSource<ActivatedBackend>(TaskCreationOptions.RunContinuationsAsynchronously);
        var state = new MountState(Entry, (_, _) => new ValueTask<ActivatedBackend>(gate.Task), TimeProvider.System);
        var pending = state.AcquireAsync(CancellationToken.None).AsTask();

        Assert.IsNull(state.Close("being disabled"));
        var late = new ProbeBackend();
        gate.SetResult(Activated(late));

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => pending);
        Assert.AreEqual("mount probe/ is being disabled; try again when it is done", error.Message);
        Assert.AreEqual(1, late.Cleanups);
        Assert.IsFalse(state.IsRunning);
    }

    [TestMethod]
    public async Task Start_UnexpectedException_IsUnavailableWithThePluginsMessage()
    {
        var state = new MountState(Entry, (_, _) => throw new InvalidOperationException("setup boom"), TimeProvider.System);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await state.AcquireAsync(CancellationToken.None));

        Assert.AreEqual(ErrorCode.Unavailable, error.Code);
        Assert.AreEqual("mount probe/ is unavailable: plugin 'probe' failed to start: setup boom", error.Message);
        Assert.AreEqual("plugin 'probe' failed to start: setup boom", state.UnavailableReason);
    }

    [TestMethod]
    public async Task Start_AfterFailure_BacksOffThenRetries()
    {
        var time = new ManualTime();
        var activations = 0;
        var state = new MountState(Entry, (_, _) => ++activations == 1
            ? throw new PluginHostException(ErrorCode.NotFound, "plugin not found in the catalog: probe")
            : new ValueTask<ActivatedBackend>(Activated(new ProbeBackend())), time);

        await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await state.AcquireAsync(CancellationToken.None));
        var fast = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await state.AcquireAsync(CancellationToken.None));
        Assert.AreEqual(1, activations, "within the retry delay the plugin is not started again");
        Assert.AreEqual(
            "mount probe/ is unavailable: plugin not found in the catalog: probe (failed 1 time in a row; the next start is tried in 1s, "
            + "or at once when the plugin is reloaded or registered again)",
            fast.Message);

        time.Advance(TimeSpan.FromSeconds(1));
        var lease = await state.AcquireAsync(CancellationToken.None);

        Assert.AreEqual(2, activations);
        Assert.IsNull(state.UnavailableReason);
        lease.Release();
    }

    [TestMethod]
    public async Task ABackendDyingRightAfterEachStart_BacksOffLongerEachTime_AndSaysSo()
    {
        var time = new ManualTime();
        var failures = new List<MountFailure>();
        var backends = new List<DyingBackend>();
        var state = new MountState(Entry, (_, _) =>
        {
            var backend = new DyingBackend();
            backends.Add(backend);
            return new ValueTask<ActivatedBackend>(new ActivatedBackend(backend, new CatalogEntry { Type = BackendType.Secret, Name = "probe" }));
        }, time, failed: (_, failure) => failures.Add(failure));

        foreach (var expectedDelay in new[] { 1, 2, 4, 8 })
        {
            (await state.AcquireAsync(CancellationToken.None)).Release();
            await backends[^1].DieAsync("plugin 'probe' (pid 7) exited with code 3");

            var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await state.AcquireAsync(CancellationToken.None));
            StringAssert.Contains(refused.Message, $"the next start is tried in {expectedDelay}s");
            time.Advance(TimeSpan.FromSeconds(expectedDelay));
        }

        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4 }, failures.Select(f => f.FailuresInARow).ToArray());
        Assert.AreEqual(TimeSpan.FromSeconds(8), failures[^1].RetryDelay);
        Assert.AreEqual("plugin 'probe' (pid 7) exited with code 3", failures[^1].Reason);
    }

    [TestMethod]
    public async Task ABackendThatServedThenDied_IsRelaunchedOnTheNextRequestAtOnce()
    {
        var time = new ManualTime();
        var failures = new List<MountFailure>();
        var backends = new List<DyingBackend>();
        var state = DyingMount(time, backends, failures);

        await ServeOnceAsync(state);
        await backends[^1].DieAsync("plugin 'probe' (pid 7) was killed by signal 9");

        // No time passes: a plugin that ran and served is not in a crash loop, so nothing waits for a retry delay.
        await ServeOnceAsync(state);
        Assert.AreEqual(2, backends.Count);
        Assert.AreEqual(TimeSpan.Zero, failures.Single().RetryDelay);
        Assert.AreEqual("plugin 'probe' (pid 7) was killed by signal 9", failures.Single().Reason);
    }

    [TestMethod]
    public async Task KillsTenSecondsApart_NeverBackOff()
    {
        var time = new ManualTime();
        var failures = new List<MountFailure>();
        var backends = new List<DyingBackend>();
        var state = DyingMount(time, backends, failures);

        for (var kill = 0; kill < 20; kill++)
        {
            await ServeOnceAsync(state);
            time.Advance(TimeSpan.FromSeconds(10));
            await backends[^1].DieAsync("killed");
        }

        await ServeOnceAsync(state);
        Assert.AreEqual(21, backends.Count);
        Assert.IsTrue(failures.All(f => f.RetryDelay == TimeSpan.Zero), string.Join(", ", failures.Select(f => f.RetryDelay)));
    }

    [TestMethod]
    public async Task ABackendThatServesButDiesOftenWithinTheWindow_IsACrashLoop_AndBacksOff()
    {
        var time = new ManualTime();
        var failures = new List<MountFailure>();
        var backends = new List<DyingBackend>();
        var state = DyingMount(time, backends, failures);

        for (var death = 1; death < MountState.CrashLoopDeaths; death++)
        {
            await ServeOnceAsync(state);
            time.Advance(TimeSpan.FromSeconds(1));
            await backends[^1].DieAsync($"poisoned {death}");
        }

        await ServeOnceAsync(state);
        await backends[^1].DieAsync("poisoned again");

        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await state.AcquireAsync(CancellationToken.None));
        StringAssert.Contains(refused.Message, $"stopped {MountState.CrashLoopDeaths} times within {MountState.CrashLoopWindow.TotalSeconds:0}s");
        StringAssert.Contains(refused.Message, "the next start is tried in 1s");
        Assert.AreEqual(TimeSpan.FromSeconds(1), failures[^1].RetryDelay);

        time.Advance(TimeSpan.FromSeconds(1));
        await ServeOnceAsync(state);
    }

    private static MountState DyingMount(ManualTime time, List<DyingBackend> backends, List<MountFailure> failures) =>
        new(Entry, (_, _) =>
        {
            var backend = new DyingBackend();
            backends.Add(backend);
            return new ValueTask<ActivatedBackend>(new ActivatedBackend(backend, new CatalogEntry { Type = BackendType.Secret, Name = "probe" }));
        }, time, failed: (_, failure) => failures.Add(failure));

    private static async Task ServeOnceAsync(MountState state)
    {
        var lease = await state.AcquireAsync(CancellationToken.None);
        lease.RecordServed();
        lease.Release();
    }

    /// <summary>A supervised backend the test kills.</summary>
    private sealed class DyingBackend : IBackend, ISupervisedBackend
    {
        private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _cleanedUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private string _reason = "";

        public BackendType Type => BackendType.Secret;

        public SpecialPaths SpecialPaths => SpecialPaths.None;

        public Task Stopped => _stopped.Task;

        public string DescribeStop() => _reason;

        // Returns once the mount has dropped this backend (it cleans up what stopped).
        public Task DieAsync(string reason)
        {
            _reason = reason;
            _stopped.TrySetResult();
            return _cleanedUp.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        public ValueTask SetupAsync(BackendConfig config, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<BackendResponse?>(null);

        public ValueTask<bool?> ExistenceCheckAsync(BackendRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<bool?>(null);

        public ValueTask InvalidateKeyAsync(string key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CleanupAsync(CancellationToken cancellationToken)
        {
            _cleanedUp.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }

    [TestMethod]
    public async Task Block_RefusesStartsUntilUnblocked_AndReturnsTheRunningLease()
    {
        var state = new MountState(Entry, (_, _) => new ValueTask<ActivatedBackend>(Activated(new ProbeBackend())), TimeProvider.System);
        (await state.AcquireAsync(CancellationToken.None)).Release();

        Assert.IsNotNull(state.Block("plugin 'probe' was deregistered"));
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await state.AcquireAsync(CancellationToken.None));
        Assert.AreEqual("mount probe/ is unavailable: plugin 'probe' was deregistered", error.Message);

        state.Unblock();
        var lease = await state.AcquireAsync(CancellationToken.None);
        Assert.IsTrue(state.IsRunning);
        lease.Release();
    }

    [TestMethod]
    public async Task Invalidate_WhileStarting_MakesTheStartResolveAgain()
    {
        var activations = 0;
        var firstGate = new TaskCompletionSource<ActivatedBackend>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = new ProbeBackend();
        var second = new ProbeBackend();
        var state = new MountState(Entry, (_, _) => ++activations == 1 ? new ValueTask<ActivatedBackend>(firstGate.Task) : new ValueTask<ActivatedBackend>(Activated(second)), TimeProvider.System);
        var pending = state.AcquireAsync(CancellationToken.None).AsTask();

        state.Invalidate();
        firstGate.SetResult(Activated(first));
        var lease = await pending;

        Assert.AreEqual(2, activations);
        Assert.AreSame(second, lease.Backend);
        Assert.AreEqual(1, first.Cleanups);
    }

    [TestMethod]
    public async Task Close_WhileStarting_WhenStartSettledWaitsForTheStartToCleanUp()
    {
        var gate = new TaskCompletionSource<ActivatedBackend>(TaskCreationOptions.RunContinuationsAsynchronously);
        var state = new MountState(Entry, (_, _) => new ValueTask<ActivatedBackend>(gate.Task), TimeProvider.System);
        var pending = state.AcquireAsync(CancellationToken.None).AsTask();

        state.Close("shutting down");
        var settled = state.WhenStartSettledAsync();
        Assert.IsFalse(settled.IsCompleted, "the start is still running");
        var late = new ProbeBackend();
        gate.SetResult(Activated(late));
        await settled;

        Assert.AreEqual(1, late.Cleanups);
        await Assert.ThrowsExactlyAsync<PluginHostException>(() => pending);
    }

    [TestMethod]
    public async Task StaleStart_WhoseCleanupThrows_StillAnswersWithTheReplacement()
    {
        var gate = new TaskCompletionSource<ActivatedBackend>(TaskCreationOptions.RunContinuationsAsynchronously);
        var cleanedQuietly = new List<IBackend>();
        var state = new MountState(Entry, (_, _) => new ValueTask<ActivatedBackend>(gate.Task), TimeProvider.System, (backend, _) =>
        {
            cleanedQuietly.Add(backend);
            return Task.CompletedTask;
        });
        var pending = state.AcquireAsync(CancellationToken.None).AsTask();

        var replacement = new ProbeBackend();
        state.Replace(Activated(replacement));
        var stale = new ProbeBackend();
        gate.SetResult(Activated(stale));

        Assert.AreSame(replacement, (await pending).Backend);
        CollectionAssert.AreEqual(new IBackend[] { stale }, cleanedQuietly, "stale backends go through the quiet cleanup, which logs instead of throwing");
    }
}
