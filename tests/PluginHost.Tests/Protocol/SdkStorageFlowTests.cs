using PluginHost.Sdk;
using PluginHost.Sdk.Protocol;
using PluginHost.Storage;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Protocol;

/// <summary>A plugin built on the SDK never meets the host's per-instance cap on storage calls: the SDK queues its own.</summary>
[TestClass]
public sealed class SdkStorageFlowTests
{
    [TestMethod]
    public async Task BackendMakingMoreConcurrentStorageCallsThanThePerInstanceCap_IsQueuedInThePlugin_NotRefused()
    {
        var held = new GatedStorage();
        await using var harness = await PluginHarness.StartAsync(() => new FanOutBackend(PluginClient.DefaultMaxStorageCallsInFlightPerInstance + 8));
        var backend = await harness.MountAsync(held);

        var request = backend.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "fan-out", RequestId = "r" }, CancellationToken.None).AsTask();
        await Eventually.TrueAsync(() => Task.FromResult(held.Waiting == PluginClient.DefaultMaxStorageCallsInFlightPerInstance), "the plugin's calls reach the host up to the cap");
        held.Gate.SetResult();
        var answer = await request.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.AreEqual(PluginClient.DefaultMaxStorageCallsInFlightPerInstance + 8, answer!.Data!["reads"].GetInt32());
        Assert.AreEqual(PluginClient.DefaultMaxStorageCallsInFlightPerInstance, held.MostWaiting, "never more than the cap at the host at once");
    }

    [TestMethod]
    public async Task BackendKeepingThePerInstanceCapFull_IsNeverRefused()
    {
        // The SDK sends its next call as soon as an answer arrives; the host must have counted that answer out by then.
        // It once did so only after its flush returned, which on a busy host can be after the plugin read the answer:
        // the e2e run's 64 callers got 503s. That ordering is a race, so this is a stress check, not a reproduction.
        await using var harness = await PluginHarness.StartAsync(() => new FanOutBackend(4 * PluginClient.DefaultMaxStorageCallsInFlightPerInstance));
        var backend = await harness.MountAsync(new InMemoryStorage());

        for (var round = 0; round < 100; round++)
        {
            var answer = await backend.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "fan-out", RequestId = $"r{round}" }, CancellationToken.None);
            Assert.AreEqual(4 * PluginClient.DefaultMaxStorageCallsInFlightPerInstance, answer!.Data!["reads"].GetInt32());
        }
    }

    /// <summary>Reads <paramref name="fanOut"/> keys at once on every request.</summary>
    private sealed class FanOutBackend(int fanOut) : IBackend
    {
        private IStorage? _storage;

        public BackendType Type => BackendType.Secret;

        public SpecialPaths SpecialPaths => SpecialPaths.None;

        public ValueTask SetupAsync(BackendConfig config, CancellationToken cancellationToken)
        {
            _storage = config.Storage;
            return ValueTask.CompletedTask;
        }

        public async ValueTask<BackendResponse?> HandleRequestAsync(BackendRequest request, CancellationToken cancellationToken)
        {
            var reads = await Task.WhenAll(Enumerable.Range(0, fanOut).Select(i => _storage!.GetAsync($"k{i}", cancellationToken).AsTask()));
            return BackendResponse.WithData([new("reads", reads.Length)]);
        }

        public ValueTask<bool?> ExistenceCheckAsync(BackendRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<bool?>(null);

        public ValueTask InvalidateKeyAsync(string key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CleanupAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    /// <summary>Holds every read until <see cref="Gate"/> opens, counting how many wait at once.</summary>
    private sealed class GatedStorage : IStorage
    {
        private readonly InMemoryStorage _inner = new();
        private int _waiting;
        private int _mostWaiting;

        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Waiting => Volatile.Read(ref _waiting);

        public int MostWaiting => Volatile.Read(ref _mostWaiting);

        public async ValueTask<StorageEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
        {
            var now = Interlocked.Increment(ref _waiting);
            int most;
            while (now > (most = Volatile.Read(ref _mostWaiting)) && Interlocked.CompareExchange(ref _mostWaiting, now, most) != most)
            {
            }

            try
            {
                await Gate.Task.WaitAsync(cancellationToken);
                return await _inner.GetAsync(key, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }

        public ValueTask PutAsync(StorageEntry entry, CancellationToken cancellationToken = default) => _inner.PutAsync(entry, cancellationToken);

        public ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default) => _inner.DeleteAsync(key, cancellationToken);

        public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) => _inner.ListAsync(prefix, cancellationToken);
    }
}
