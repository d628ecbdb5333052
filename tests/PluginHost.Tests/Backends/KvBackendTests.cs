using Moq;
using PluginHost.Backends;
using PluginHost.Tests.Backends.Contract;
using PluginHost.Tests.TestDoubles;
using static PluginHost.Tests.Backends.BackendTestContext;

namespace PluginHost.Tests.Backends;

/// <summary>The kv contract run in-process, and what only an in-process backend shows: its type, construction, use before set-up, a storage seam that fails.</summary>
[TestClass]
public sealed class KvBackendTests : KvBackendContract
{
    private protected override Task<IBackend> MountAsync(IBackend backend, IStorage storage) => SetUpAsync(backend, storage);

    [TestMethod]
    public void Type_IsSecret_WithNoSpecialPaths()
    {
        var kv = new KvBackend();
        Assert.AreEqual(BackendType.Secret, kv.Type);
        Assert.IsEmpty(kv.SpecialPaths.Unauthenticated);
        Assert.IsEmpty(kv.SpecialPaths.Root);
    }

    [TestMethod]
    [DataRow("kv")]
    [DataRow("/kv/")]
    [DataRow("a/../")]
    public void PathPrefix_NotAFolder_IsRefusedAtConstruction(string prefix)
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => new KvBackend(new KvBackendOptions { PathPrefix = prefix }));
        StringAssert.Contains(error.Message, "such as 'kv/'");
    }

    [TestMethod]
    public async Task HandleRequest_BeforeSetup_SaysToCallSetup()
    {
        var kv = new KvBackend();

        var error = await Assert.ThrowsExactlyAsync<InvalidOperationException>(async () => await kv.SendAsync(Operation.Read, "foo"));
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(async () => await kv.ExistenceCheckAsync(Request(Operation.Update, "foo"), CancellationToken.None));

        StringAssert.Contains(error.Message, "call SetupAsync");
    }

    [TestMethod]
    public async Task StorageFailure_Surfaces_AndNothingIsKept()
    {
        var storage = new Mock<IStorage>(MockBehavior.Strict);
        storage.Setup(s => s.PutAsync(It.IsAny<StorageEntry>(), It.IsAny<CancellationToken>())).ThrowsAsync(new IOException("disk full"));
        storage.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns<string, CancellationToken>(_storage.GetAsync);
        var kv = await SetUpAsync(new KvBackend(), storage.Object);

        var error = await Assert.ThrowsExactlyAsync<IOException>(async () => await kv.SendAsync(Operation.Create, "foo", ("bar", "baz")));

        Assert.AreEqual("disk full", error.Message);
        Assert.IsNull(await kv.SendAsync(Operation.Read, "foo"));
        Assert.IsEmpty(await _storage.AllKeysAsync());
    }
}
