using System.Text;
using PluginHost.Seal;
using PluginHost.Storage;

namespace PluginHost.Tests.Seal;

[TestClass]
public sealed class BarrierStorageTests
{
    private const string Secret = "hunter2-the-database-password";

    private readonly InMemoryStorage _disk = new();
    private readonly BarrierStorage _barrier;

    public BarrierStorageTests() => _barrier = new BarrierStorage(_disk, Keyring.Create(DateTimeOffset.UnixEpoch), new HashSet<string> { "core/seal-config" });

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Token => TestContext.CancellationToken;

    [TestMethod]
    public async Task AValue_IsReadBack_ButFoundNowhereBelow_InAnyEncoding()
    {
        var value = Encoding.UTF8.GetBytes(Secret);
        await _barrier.PutAsync(new StorageEntry("logical/uuid/db", value), Token);

        var read = await _barrier.GetAsync("logical/uuid/db", Token);
        var raw = (await _disk.GetAsync("logical/uuid/db", Token))!.Value;

        CollectionAssert.AreEqual(value, read!.Value);
        foreach (var encoding in new[] { Secret, Convert.ToBase64String(value), Convert.ToHexString(value), Convert.ToHexString(value).ToLowerInvariant() })
        {
            Assert.IsFalse(Contains(raw, Encoding.UTF8.GetBytes(encoding)), $"the stored bytes hold the value as {encoding}");
        }

        Assert.HasCount(value.Length + BarrierCipher.Overhead, raw);
        Assert.AreEqual(BarrierCipher.Version, raw[4]);
    }

    [TestMethod]
    public async Task TheSameValueTwice_IsStoredAsDifferentBytes()
    {
        await _barrier.PutAsync(new StorageEntry("a", Encoding.UTF8.GetBytes(Secret)), Token);
        var first = (await _disk.GetAsync("a", Token))!.Value;
        await _barrier.PutAsync(new StorageEntry("a", Encoding.UTF8.GetBytes(Secret)), Token);
        var second = (await _disk.GetAsync("a", Token))!.Value;

        CollectionAssert.AreNotEqual(first, second, "a fresh nonce per write");
    }

    [TestMethod]
    public async Task ACiphertextCopiedToAnotherKey_FailsToDecrypt()
    {
        await _barrier.PutAsync(new StorageEntry("logical/a/password", Encoding.UTF8.GetBytes(Secret)), Token);
        await _disk.PutAsync(new StorageEntry("logical/b/password", (await _disk.GetAsync("logical/a/password", Token))!.Value), Token);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await _barrier.GetAsync("logical/b/password", Token));

        Assert.AreEqual(ErrorCode.Internal, error.Code);
        StringAssert.Contains(error.Message, "failed its integrity check");
    }

    [TestMethod]
    public async Task FlippingAnyBitOfAnEntry_IsDetected()
    {
        await _barrier.PutAsync(new StorageEntry("k", Encoding.UTF8.GetBytes("short")), Token);
        var stored = (await _disk.GetAsync("k", Token))!.Value;

        for (var index = 0; index < stored.Length; index++)
        {
            var changed = stored.ToArray();
            changed[index] ^= 0x01;
            await _disk.PutAsync(new StorageEntry("k", changed), Token);

            var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await _barrier.GetAsync("k", Token), $"byte {index} changed unnoticed");
            Assert.AreEqual(ErrorCode.Internal, error.Code);
        }
    }

    [TestMethod]
    public async Task AfterARotation_NewWritesUseTheNewTerm_AndOldOnesStillRead()
    {
        await _barrier.PutAsync(new StorageEntry("old", Encoding.UTF8.GetBytes("one")), Token);
        _barrier.Keyring = _barrier.Keyring.Rotate(DateTimeOffset.UnixEpoch.AddDays(1));
        await _barrier.PutAsync(new StorageEntry("new", Encoding.UTF8.GetBytes("two")), Token);

        Assert.AreEqual(1u, BarrierCipher.TermOf("old", (await _disk.GetAsync("old", Token))!.Value));
        Assert.AreEqual(2u, BarrierCipher.TermOf("new", (await _disk.GetAsync("new", Token))!.Value));
        Assert.AreEqual("one", Encoding.UTF8.GetString((await _barrier.GetAsync("old", Token))!.Value));
        Assert.AreEqual("two", Encoding.UTF8.GetString((await _barrier.GetAsync("new", Token))!.Value));
        Assert.AreEqual(1, _barrier.Keyring.Find(1)!.Encryptions);
        Assert.AreEqual(1, _barrier.Keyring.Active.Encryptions);
    }

    [TestMethod]
    public async Task AnEntryOfATermTheKeyringLacks_IsRefusedNamingTheTerms()
    {
        var later = new BarrierStorage(_disk, Keyring.Create(DateTimeOffset.UnixEpoch).Rotate(DateTimeOffset.UnixEpoch).Rotate(DateTimeOffset.UnixEpoch));
        await later.PutAsync(new StorageEntry("k", [1, 2, 3]), Token);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await _barrier.GetAsync("k", Token));

        StringAssert.Contains(error.Message, "is of term 3, which the keyring (terms 1 to 1) does not have");
    }

    [TestMethod]
    public async Task AnEntryWrittenWithoutTheBarrier_IsRefused_NotReadAsData()
    {
        await _disk.PutAsync(new StorageEntry("plain", Encoding.UTF8.GetBytes("""{"written":"before the barrier"}""")), Token);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await _barrier.GetAsync("plain", Token));

        Assert.AreEqual(ErrorCode.Internal, error.Code);
    }

    [TestMethod]
    public async Task TheSealConfiguration_IsStoredInTheClear()
    {
        var config = Encoding.UTF8.GetBytes("""{"type":"shamir","secret_shares":5,"secret_threshold":3}""");
        await _barrier.PutAsync(new StorageEntry("core/seal-config", config), Token);

        CollectionAssert.AreEqual(config, (await _disk.GetAsync("core/seal-config", Token))!.Value);
        CollectionAssert.AreEqual(config, (await _barrier.GetAsync("core/seal-config", Token))!.Value);
    }

    [TestMethod]
    public void AKeyring_SurvivesItsSerialization()
    {
        var keyring = Keyring.Create(DateTimeOffset.Parse("2026-12-03T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture)).Rotate(DateTimeOffset.Parse("2026-12-04T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        keyring.Active.CountEncryption();

        var read = Keyring.Deserialize(keyring.Serialize());

        CollectionAssert.AreEqual(keyring.RootKey, read.RootKey);
        Assert.AreEqual(2u, read.Active.Term);
        Assert.AreEqual(1, read.Active.Encryptions);
        Assert.AreEqual(keyring.Active.InstallTime, read.Active.InstallTime);
        CollectionAssert.AreEqual(keyring.Find(1)!.Value, read.Find(1)!.Value);
        Assert.ThrowsExactly<InvalidDataException>(() => Keyring.Deserialize("""{"keys":[]}"""u8));
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
