using System.Text;
using Nerdbank.Streams;
using PluginHost.Protocol;
using PluginHost.Sdk.Protocol;
using PluginHost.Storage;
using PluginHost.Tests.TestDoubles;
using StreamJsonRpc;

namespace PluginHost.Tests.Protocol;

/// <summary>
/// The host bounds the storage calls a plugin has in flight (read, not yet answered): it stops reading the plugin's
/// messages at the cap, refuses calls of one instance beyond its own cap, and drops a plugin that stops reading.
/// </summary>
[TestClass]
public sealed class StorageFlowTests
{
    private static string Get(int id, string instance, string key) =>
        $$$"""{"jsonrpc":"2.0","id":{{{id}}},"method":"storage.get","params":{"instance_id":"{{{instance}}}","key":"{{{key}}}"}}""";

    private static byte[] Frames(IEnumerable<string> messages) =>
        [.. messages.SelectMany(m => Wire.Framed($"Content-Length: {Encoding.UTF8.GetByteCount(m)}\r\n", m))];

    [TestMethod]
    public async Task PluginFloodingStorageCallsWithoutReadingAnswers_IsServedAtMostTheCap_ThenDroppedSayingWhy()
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        var storage = new CountingStorage();
        await storage.PutAsync(new StorageEntry("big", new byte[256 * 1024]));
        await using var client = PluginClient.Start(hostEnd, "t", new PluginClientOptions
        {
            MaxStorageCallsInFlightPerInstance = PluginClient.DefaultMaxStorageCallsInFlight,
            WriteStallTimeout = TimeSpan.FromSeconds(1),
        });
        client.AddView("i", storage);
        await Wire.WriteMessageAsync(pluginEnd, Wire.Hello());
        await client.Hello.WaitAsync(TimeSpan.FromSeconds(30));

        // Answers of 256 KiB: the first one already fills the in-memory pipe, which this plugin never reads.
        await Wire.WriteRawAsync(pluginEnd, Frames(Enumerable.Range(10, 200).Select(id => Get(id, "i", "big"))));
        await Task.WhenAny(client.Completion, Eventually.TrueAsync(() => Task.FromResult(storage.Gets > PluginClient.DefaultMaxStorageCallsInFlight), "past the cap"))
            .WaitAsync(TimeSpan.FromSeconds(60));

        Assert.IsLessThanOrEqualTo(PluginClient.DefaultMaxStorageCallsInFlight, storage.Gets, "storage calls served while the plugin read none of the answers");
        Assert.AreEqual(
            "the plugin stopped reading its connection: a message to it stayed unwritten for 1s with 64 of its requests in flight, so the connection is dropped",
            client.DisconnectReason);
    }

    [TestMethod]
    public async Task OneInstanceBeyondItsCap_IsRefusedAtOnce_WhileAnotherInstanceIsServed()
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        var held = new CountingStorage { Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var other = new CountingStorage();
        await using var client = PluginClient.Start(hostEnd, "t");
        client.AddView("a", held);
        client.AddView("b", other);
        using var plugin = new JsonRpc(new HeaderDelimitedMessageHandler(pluginEnd, new SystemTextJsonFormatter()));
        plugin.StartListening();
        await plugin.InvokeWithParameterObjectAsync<HelloResult>(ProtocolMethods.Hello, new HelloParams { Token = "t", ProtocolVersions = [1] });

        var holding = Enumerable.Range(0, 32)
            .Select(i => plugin.InvokeWithParameterObjectAsync<StorageEntry?>(ProtocolMethods.StorageGet, new InstanceParams { InstanceId = "a", Key = $"k{i}" }))
            .ToArray();
        await Eventually.TrueAsync(() => Task.FromResult(held.Gets == 32), "32 calls of instance a are in flight");
        var refused = await Assert.ThrowsExactlyAsync<RemoteInvocationException>(() =>
            plugin.InvokeWithParameterObjectAsync<StorageEntry?>(ProtocolMethods.StorageGet, new InstanceParams { InstanceId = "a", Key = "one-more" }).WaitAsync(TimeSpan.FromSeconds(30)));
        var served = await plugin.InvokeWithParameterObjectAsync<StorageEntry?>(ProtocolMethods.StorageGet, new InstanceParams { InstanceId = "b", Key = "k" }).WaitAsync(TimeSpan.FromSeconds(30));
        held.Gate.SetResult();
        await Task.WhenAll(holding).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.AreEqual(503, refused.ErrorCode);
        StringAssert.StartsWith(refused.Message, "too many storage calls in flight for backend instance 'a': ");
        Assert.IsNull(served);
        Assert.AreEqual(1, other.Gets);
        Assert.AreEqual(32, held.Gets, "the refused call never reached the storage");
    }

    /// <summary>Counts the reads it serves; with a <see cref="Gate"/>, holds them until it opens.</summary>
    private sealed class CountingStorage : IStorage
    {
        private readonly InMemoryStorage _inner = new();
        private int _gets;

        public TaskCompletionSource? Gate { get; init; }

        public int Gets => Volatile.Read(ref _gets);

        public async ValueTask<StorageEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _gets);
            if (Gate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            return await _inner.GetAsync(key, cancellationToken);
        }

        public ValueTask PutAsync(StorageEntry entry, CancellationToken cancellationToken = default) => _inner.PutAsync(entry, cancellationToken);

        public ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default) => _inner.DeleteAsync(key, cancellationToken);

        public ValueTask<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken = default) => _inner.ListAsync(prefix, cancellationToken);
    }
}
