using System.Text;
using Moq;
using PluginHost.Seal;
using PluginHost.Storage;

namespace PluginHost.Tests.Seal;

[TestClass]
public sealed class BarrierKeysTests
{
    private static readonly SealConfig FiveOfThree = new(SealConfig.Shamir, 5, 3);

    private readonly InMemoryStorage _disk = new();
    private readonly BarrierKeys _keys;

    public BarrierKeysTests() => _keys = new BarrierKeys(_disk, TimeProvider.System);

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Token => TestContext.CancellationToken;

    [TestMethod]
    public async Task Initialize_ThenOpenWithTheUnsealKey_ReadsWhatWasWritten_AfterAReopen()
    {
        var unsealKey = await _keys.InitializeAsync(FiveOfThree, Token);
        var barrier = await _keys.OpenAsync(unsealKey, Token);
        await barrier.PutAsync(new StorageEntry("core/mounts", Encoding.UTF8.GetBytes("mount table")), Token);

        var reopened = await new BarrierKeys(_disk, TimeProvider.System).OpenAsync(unsealKey, Token);

        Assert.AreEqual("mount table", Encoding.UTF8.GetString((await reopened.GetAsync("core/mounts", Token))!.Value));
        Assert.AreEqual(FiveOfThree, await _keys.ReadConfigAsync(Token));
    }

    [TestMethod]
    public async Task AWrongUnsealKey_IsVaultsInvalidKey()
    {
        await _keys.InitializeAsync(FiveOfThree, Token);

        var wrong = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await _keys.OpenAsync(new byte[32], Token));
        var tooShort = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await _keys.OpenAsync(new byte[5], Token));

        Assert.AreEqual("unseal failed, invalid key", wrong.Message);
        Assert.AreEqual(ErrorCode.BadRequest, wrong.Code);
        Assert.AreEqual("unseal failed, invalid key", tooShort.Message);
    }

    [TestMethod]
    public async Task ASecondInitialize_IsRefused_AndOpeningAnUninitializedStore_SaysSo()
    {
        var notYet = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await _keys.OpenAsync(new byte[32], Token));
        await _keys.InitializeAsync(FiveOfThree, Token);
        var again = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await _keys.InitializeAsync(FiveOfThree, Token));

        Assert.AreEqual("Vault is not initialized", notYet.Message);
        Assert.AreEqual("Vault is already initialized", again.Message);
    }

    [TestMethod]
    public async Task AnInitializeInterruptedBeforeItsConfiguration_LeavesAStoreThatCanBeInitializedAgain()
    {
        var disk = new Mock<IStorage>();
        disk.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns<string, CancellationToken>(_disk.GetAsync);
        disk.Setup(s => s.PutAsync(It.IsAny<StorageEntry>(), It.IsAny<CancellationToken>()))
            .Returns<StorageEntry, CancellationToken>((entry, ct) => entry.Key == BarrierKeys.SealConfigPath ? throw new IOException("killed") : _disk.PutAsync(entry, ct));

        await Assert.ThrowsExactlyAsync<IOException>(async () => await new BarrierKeys(disk.Object, TimeProvider.System).InitializeAsync(FiveOfThree, Token));
        var unsealKey = await _keys.InitializeAsync(FiveOfThree, Token);

        Assert.IsNotNull(await _keys.OpenAsync(unsealKey, Token));
    }

    [TestMethod]
    public async Task ARotation_IsKeptAcrossAReopen_AndEveryEarlierWriteStillReads()
    {
        var unsealKey = await _keys.InitializeAsync(FiveOfThree, Token);
        var barrier = await _keys.OpenAsync(unsealKey, Token);
        await barrier.PutAsync(new StorageEntry("a", [1]), Token);

        var term = await _keys.RotateAsync(barrier, Token);
        await barrier.PutAsync(new StorageEntry("b", [2]), Token);
        var reopened = await _keys.OpenAsync(unsealKey, Token);

        Assert.AreEqual(2u, term.Term);
        Assert.AreEqual(2u, reopened.Keyring.Active.Term);
        CollectionAssert.AreEqual(new byte[] { 1 }, (await reopened.GetAsync("a", Token))!.Value);
        CollectionAssert.AreEqual(new byte[] { 2 }, (await reopened.GetAsync("b", Token))!.Value);
    }

    [TestMethod]
    public async Task ARotationThatFailsToPersist_LeavesTheOldTermInUse_AndNothingUnreadable()
    {
        var unsealKey = await _keys.InitializeAsync(FiveOfThree, Token);
        var failing = new Mock<IStorage>();
        failing.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns<string, CancellationToken>(_disk.GetAsync);
        failing.Setup(s => s.PutAsync(It.IsAny<StorageEntry>(), It.IsAny<CancellationToken>()))
            .Returns<StorageEntry, CancellationToken>((entry, ct) => entry.Key == BarrierKeys.KeyringPath ? throw new IOException("killed") : _disk.PutAsync(entry, ct));
        var keys = new BarrierKeys(failing.Object, TimeProvider.System);
        var barrier = await keys.OpenAsync(unsealKey, Token);

        await Assert.ThrowsExactlyAsync<IOException>(async () => await keys.RotateAsync(barrier, Token));
        await barrier.PutAsync(new StorageEntry("after", [3]), Token);

        Assert.AreEqual(1u, barrier.Keyring.Active.Term);
        CollectionAssert.AreEqual(new byte[] { 3 }, (await (await _keys.OpenAsync(unsealKey, Token)).GetAsync("after", Token))!.Value);
    }

    [TestMethod]
    public async Task TheKeyChain_HoldsNoKeyInTheClear()
    {
        var unsealKey = await _keys.InitializeAsync(FiveOfThree, Token);
        var barrier = await _keys.OpenAsync(unsealKey, Token);

        foreach (var path in new[] { BarrierKeys.RootKeyPath, BarrierKeys.KeyringPath })
        {
            var raw = (await _disk.GetAsync(path, Token))!.Value;
            Assert.IsLessThan(0, raw.AsSpan().IndexOf(unsealKey), $"{path} holds the unseal key");
            Assert.IsLessThan(0, raw.AsSpan().IndexOf(barrier.Keyring.RootKey), $"{path} holds the root key");
            Assert.IsLessThan(0, raw.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Convert.ToBase64String(barrier.Keyring.Active.Value))), $"{path} holds a data key");
        }
    }
}
