using System.Text;
using System.Text.Json;
using PluginHost.Authorization;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Seal;
using PluginHost.Storage;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Seal;

/// <summary>
/// A Shamir-sealed host, driven through its system paths as Vault clients drive it: it starts sealed and not
/// initialized, refuses everything else with 503 <c>Vault is sealed</c>, is initialized once, unsealed with a threshold
/// of key shares, sealed again (stopping its backends), and restarts sealed with its data intact.
/// </summary>
[TestClass]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ShamirSealTests : IDisposable
{
    private const string Secret = "correct-horse-battery-staple";

    private readonly string _root = Directory.CreateTempSubdirectory("pluginhost-shamir-").FullName;
    private readonly List<ProbeBackend> _probes = [];

    public TestContext TestContext { get; set; } = null!;

    private string DataDirectory => Path.Join(_root, "data");

    private CancellationToken Token => TestContext.CancellationToken;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [TestMethod]
    public async Task ASealedHostAlone_AnswersSysLeader_HaIsOff()
    {
        // Vault answers sys/leader sealed or not when HA is off; only a sealed HA node cannot know who is active.
        await using var test = Host();

        var leader = (await test.Host.ReadAsync("sys/leader", Token))!.Data!;

        Assert.IsFalse(leader["ha_enabled"].GetBoolean());
        Assert.IsFalse(leader["is_self"].GetBoolean());
        Assert.AreEqual("", leader["leader_address"].GetString());
    }

    [TestMethod]
    public async Task ANewHost_IsSealedAndNotInitialized_AndRefusesEverythingElse_WithVaultsText()
    {
        await using var test = Host();

        var status = await StatusAsync(test);
        Assert.IsFalse(status.GetProperty("initialized").GetBoolean());
        Assert.IsTrue(status.GetProperty("sealed").GetBoolean());
        Assert.AreEqual("shamir", status.GetProperty("type").GetString());
        Assert.AreEqual("file", status.GetProperty("storage_type").GetString());
        Assert.IsFalse((await test.Host.ReadAsync("sys/init", Token))!.Data!["initialized"].GetBoolean());

        foreach (var path in new[] { "secret/db", "sys/mounts", "auth/token/lookup-self", "sys/key-status" })
        {
            var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(
                async () => await test.Host.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = path }, RequestCaller.FromToken("hvs.anything"), Token));
            Assert.AreEqual(ErrorCode.Unavailable, refused.Code, path);
            Assert.AreEqual("Vault is sealed", refused.Message, path);
        }

        var mounts = Assert.ThrowsExactly<PluginHostException>(() => test.Host.Mounts);
        Assert.AreEqual("Vault is sealed", mounts.Message);
    }

    [TestMethod]
    public async Task InitThenThreeOfFiveShares_Unseal_AndASecondInitIsRefused()
    {
        await using var test = Host();
        var (keys, rootToken) = await InitAsync(test, 5, 3);

        Assert.HasCount(5, keys);
        Assert.IsTrue(keys.All(k => k.Length == 33), "a share is the 32-byte key's values and one x-coordinate");
        StringAssert.StartsWith(rootToken, "hvs.");
        var again = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await InitAsync(test, 1, 1));
        Assert.AreEqual("Vault is already initialized", again.Message);

        var first = await UnsealAsync(test, Convert.ToHexStringLower(keys[4]));
        Assert.AreEqual(1, first.GetProperty("progress").GetInt32());
        Assert.AreEqual(3, first.GetProperty("t").GetInt32());
        Assert.AreEqual(5, first.GetProperty("n").GetInt32());
        var nonce = first.GetProperty("nonce").GetString();
        Assert.IsFalse(string.IsNullOrEmpty(nonce));
        var second = await UnsealAsync(test, Convert.ToBase64String(keys[1]));
        Assert.AreEqual(2, second.GetProperty("progress").GetInt32());
        Assert.AreEqual(nonce, second.GetProperty("nonce").GetString(), "one attempt, one nonce");
        Assert.IsTrue(second.GetProperty("sealed").GetBoolean());

        var unsealed = await UnsealAsync(test, Convert.ToBase64String(keys[2]));
        Assert.IsFalse(unsealed.GetProperty("sealed").GetBoolean());
        Assert.AreEqual(0, unsealed.GetProperty("progress").GetInt32());

        // The root token from init works, and only with a token.
        var answer = await test.Host.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "sys/mounts" }, RequestCaller.FromToken(rootToken), Token);
        Assert.IsNotNull(answer.Response);
        await Assert.ThrowsExactlyAsync<PluginHostException>(
            async () => await test.Host.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "sys/mounts" }, RequestCaller.FromToken("hvs.wrong"), Token));
    }

    [TestMethod]
    [DataRow(0, 0, "invalid seal configuration: shares must be at least one")]
    [DataRow(3, 0, "invalid seal configuration: threshold must be at least one")]
    [DataRow(3, 1, "invalid seal configuration: threshold must be greater than one for multiple shares")]
    [DataRow(256, 3, "invalid seal configuration: shares must be less than 256")]
    [DataRow(3, 4, "invalid seal configuration: threshold cannot be larger than shares")]
    public async Task AnInvalidShareConfiguration_IsRefusedWithVaultsText(int shares, int threshold, string expected)
    {
        await using var test = Host();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await InitAsync(test, shares, threshold));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        Assert.AreEqual(expected, error.Message);
        Assert.IsFalse((await StatusAsync(test)).GetProperty("initialized").GetBoolean(), "nothing was initialized");
    }

    [TestMethod]
    public async Task BadUnsealInput_IsRefusedWithVaultsTexts_AndResetForgetsTheSharesGiven()
    {
        await using var test = Host();
        var notInitialized = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await UnsealAsync(test, new string('a', 66)));
        Assert.AreEqual("Vault is not initialized", notInitialized.Message);

        var (keys, _) = await InitAsync(test, 3, 2);
        var missing = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.WriteAsync("sys/unseal", new { }, Token));
        Assert.AreEqual("'key' must be specified in request body as JSON, or 'reset' set to true", missing.Message);
        var garbled = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await UnsealAsync(test, "not a key!"));
        Assert.AreEqual("'key' must be a valid hex or base64 string", garbled.Message);

        await UnsealAsync(test, Convert.ToBase64String(keys[0]));
        var same = await UnsealAsync(test, Convert.ToHexStringLower(keys[0]));
        Assert.AreEqual(1, same.GetProperty("progress").GetInt32(), "the same share, in another encoding, counts once");
        var reset = (await test.Host.WriteAsync("sys/unseal", new { reset = true }, Token))!.Data!;
        Assert.AreEqual(0, reset["progress"].GetInt32());
        Assert.AreEqual("", reset["nonce"].GetString());

        // Two shares that are not this key's: the combination does not open the root key, and the progress restarts.
        var forged = (byte[])keys[1].Clone();
        forged[0] ^= 0xFF;
        await UnsealAsync(test, Convert.ToBase64String(keys[0]));
        var invalid = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await UnsealAsync(test, Convert.ToBase64String(forged)));
        Assert.AreEqual("unseal failed, invalid key", invalid.Message);
        var after = await StatusAsync(test);
        Assert.AreEqual(0, after.GetProperty("progress").GetInt32());
        Assert.IsTrue(after.GetProperty("sealed").GetBoolean());
    }

    [TestMethod]
    public async Task Seal_NeedsSudo_StopsEveryBackend_AndAnotherThresholdOfSharesBringsTheDataBack()
    {
        await using var test = Host();
        var (keys, rootToken) = await InitAsync(test, 5, 3);
        await UnsealWithAsync(test, keys[0], keys[1], keys[2]);
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "secret" }, Token);
        await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "probe", Path = "probe" }, Token);
        await test.Host.WriteAsync("secret/db", new { password = Secret }, Token);
        await test.Host.WriteAsync("sys/policies/acl/reader", new { policy = "path \"secret/*\" { capabilities = [\"read\"] }\npath \"sys/seal\" { capabilities = [\"update\"] }" }, Token);
        var readerToken = (await test.Host.HandleRequestAsync(
            new BackendRequest { Operation = Operation.Update, Path = "auth/token/create", Data = Fields(new { policies = new[] { "reader" } }) }, RequestCaller.FromToken(rootToken), Token)).Auth!.ClientToken;

        var forbidden = await Assert.ThrowsExactlyAsync<PluginHostException>(
            async () => await test.Host.HandleRequestAsync(new BackendRequest { Operation = Operation.Update, Path = "sys/seal" }, RequestCaller.FromToken(readerToken), Token));
        Assert.AreEqual(ErrorCode.Forbidden, forbidden.Code, "sys/seal is root-protected: update alone is not enough");
        Assert.IsFalse((await StatusAsync(test)).GetProperty("sealed").GetBoolean());

        await test.Host.HandleRequestAsync(new BackendRequest { Operation = Operation.Update, Path = "sys/seal" }, RequestCaller.FromToken(rootToken), Token);

        Assert.IsTrue((await StatusAsync(test)).GetProperty("sealed").GetBoolean());
        Assert.AreEqual(1, _probes.Single().Cleanups, "sealing stops the mounted backends");
        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.ReadAsync("secret/db", Token));
        Assert.AreEqual("Vault is sealed", refused.Message);
        var again = await test.Host.HandleRequestAsync(new BackendRequest { Operation = Operation.Update, Path = "sys/seal" }, RequestCaller.FromToken("hvs.anything"), Token);
        Assert.IsNull(again.Response, "as in Vault, sealing a sealed host succeeds and does nothing");

        await UnsealWithAsync(test, keys[4], keys[3], keys[0]);
        Assert.AreEqual(Secret, (await test.Host.ReadAsync("secret/db", Token))!.Data!["password"].GetString());
        Assert.HasCount(2, _probes, "the unseal started the mounts again, with new backends");
        var readBack = await test.Host.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "secret/db" }, RequestCaller.FromToken(readerToken), Token);
        Assert.AreEqual(Secret, readBack.Response!.Data!["password"].GetString(), "tokens and policies are back");
    }

    [TestMethod]
    public async Task ARestart_IsSealed_AndUnsealingRestoresCatalogMountsAndTokens_WithNothingInTheClearOnDisk()
    {
        byte[][] keys;
        string rootToken;
        await using (var first = Host())
        {
            (keys, rootToken) = await InitAsync(first, 3, 2);
            await UnsealWithAsync(first, keys[0], keys[2]);
            await first.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "secret" }, Token);
            await first.Host.WriteAsync("secret/db", new { password = Secret }, Token);
        }

        AssertNothingInTheClear();
        await using var restarted = Host();
        Assert.IsTrue((await StatusAsync(restarted)).GetProperty("sealed").GetBoolean());
        Assert.IsTrue((await StatusAsync(restarted)).GetProperty("initialized").GetBoolean());
        await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await restarted.Host.ReadAsync("secret/db", Token));

        await UnsealWithAsync(restarted, keys[1], keys[2]);

        var read = await restarted.Host.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "secret/db" }, RequestCaller.FromToken(rootToken), Token);
        Assert.AreEqual(Secret, read.Response!.Data!["password"].GetString());
    }

    [TestMethod]
    public async Task DataWrittenBeforeTheSeal_IsEncryptedAtInit_AndReadsBackAfterTheUnseal()
    {
        await using (var clear = TestHost.Create(o => o.DataDirectory = DataDirectory))
        {
            await clear.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "secret" }, Token);
            await clear.Host.WriteAsync("secret/db", new { password = Secret }, Token);
        }

        await using var test = Host();
        Assert.IsFalse((await StatusAsync(test)).GetProperty("initialized").GetBoolean(), "clear data is not an initialized store");
        var (keys, _) = await InitAsync(test, 1, 1);

        AssertNothingInTheClear();
        await UnsealWithAsync(test, keys[0]);
        Assert.AreEqual(Secret, (await test.Host.ReadAsync("secret/db", Token))!.Data!["password"].GetString());
    }

    [TestMethod]
    public async Task AnInterruptedMigration_ReadsAsNotInitialized_AndTheNextInitFinishesIt()
    {
        var storage = new InMemoryStorage();
        await using (var clear = TestHost.Create(o => o.StorageFactory = _ => storage))
        {
            await clear.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "secret" }, Token);
            for (var i = 0; i < 20; i++)
            {
                await clear.Host.WriteAsync($"secret/item-{i:00}", new { value = $"{Secret}-{i}" }, Token);
            }
        }

        // The disk fails half-way through the kv entries: some are encrypted, some not, and no configuration is written.
        var failing = new FailingAfterPuts(storage, "logical/", allowed: 10);
        await using (var interrupted = TestHost.Create(o => o.StorageFactory = _ => failing, b => b.UseShamirSeal()))
        {
            await Assert.ThrowsExactlyAsync<IOException>(async () => await InitAsync(interrupted, 1, 1));
            Assert.IsFalse((await StatusAsync(interrupted)).GetProperty("initialized").GetBoolean());
        }

        Assert.IsNotNull(await storage.GetAsync(BarrierMigration.MarkerPath, Token));
        await using var rerun = TestHost.Create(o => o.StorageFactory = _ => storage, b => b.UseShamirSeal());
        var (keys, _) = await InitAsync(rerun, 1, 1);
        await UnsealWithAsync(rerun, keys[0]);
        for (var i = 0; i < 20; i++)
        {
            Assert.AreEqual($"{Secret}-{i}", (await rerun.Host.ReadAsync($"secret/item-{i:00}", Token))!.Data!["value"].GetString());
        }

        Assert.IsNull(await storage.GetAsync(BarrierMigration.MarkerPath, Token), "the clear unseal key is gone once the migration is done");
    }

    [TestMethod]
    [DataRow(BarrierKeys.RootKeyPath, "unseal failed, invalid key")]
    [DataRow(BarrierKeys.KeyringPath, "the keyring (core/keyring) cannot be read: the entry at 'core/keyring' failed its integrity check: it was changed, or copied from another path")]
    [DataRow("logical/", "failed its integrity check: it was changed, or copied from another path")]
    public async Task OneByteChangedInAnEntryOfTheKeyChainOrTheData_IsDetected(string entry, string expected)
    {
        var storage = new InMemoryStorage();
        byte[][] keys;
        await using (var first = TestHost.Create(o => o.StorageFactory = _ => storage, b => b.UseShamirSeal()))
        {
            (keys, _) = await InitAsync(first, 1, 1);
            await UnsealWithAsync(first, keys[0]);
            await first.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "secret" }, Token);
            await first.Host.WriteAsync("secret/db", new { password = Secret }, Token);
        }

        var key = entry.EndsWith('/') ? await DataKeyAsync(storage, entry) : entry;
        var stored = (await storage.GetAsync(key, Token))!.Value;
        stored[stored.Length / 2] ^= 0x01;
        await storage.PutAsync(new StorageEntry(key, stored), Token);

        await using var tampered = TestHost.Create(o => o.StorageFactory = _ => storage, b => b.UseShamirSeal());
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
        {
            await UnsealAsync(tampered, Convert.ToBase64String(keys[0]));
            await tampered.Host.ReadAsync("secret/db", Token);
        });

        StringAssert.Contains(error.Message, expected);
    }

    [TestMethod]
    public async Task AHostWithoutASeal_RefusesAShamirSealedStore_InsteadOfReadingCiphertext()
    {
        await using (var sealedHost = Host())
        {
            await InitAsync(sealedHost, 1, 1);
        }

        await using var clear = TestHost.Create(o => o.DataDirectory = DataDirectory);
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await clear.Host.Mounts.ListAsync(BackendType.Secret, Token));

        Assert.AreEqual("the data directory is sealed with Shamir keys: run plugin-host server and unseal it, or configure a static seal", error.Message);
    }

    private TestHost Host() => TestHost.Create(o => o.DataDirectory = DataDirectory, b => b.UseShamirSeal().AddBuiltinPlugin("probe", BackendType.Secret, _ =>
    {
        var probe = new ProbeBackend();
        lock (_probes)
        {
            _probes.Add(probe);
        }

        return probe;
    }));

    // The one kv entry below the mount's storage prefix.
    private async Task<string> DataKeyAsync(InMemoryStorage storage, string prefix)
    {
        var mount = (await storage.ListAsync(prefix, Token)).Single();
        return prefix + mount + (await storage.ListAsync(prefix + mount, Token)).Single(k => !k.EndsWith('/'));
    }

    private async Task<JsonElement> StatusAsync(TestHost test) => ToElement((await test.Host.ReadAsync("sys/seal-status", Token))!);

    private async Task<(byte[][] Keys, string RootToken)> InitAsync(TestHost test, int shares, int threshold)
    {
        var answer = (await test.Host.WriteAsync("sys/init", new { secret_shares = shares, secret_threshold = threshold }, Token))!.Data!;
        var hex = answer["keys"].EnumerateArray().Select(k => Convert.FromHexString(k.GetString()!)).ToArray();
        var base64 = answer["keys_base64"].EnumerateArray().Select(k => Convert.FromBase64String(k.GetString()!)).ToArray();
        CollectionAssert.AreEqual(hex.Select(Convert.ToHexString).ToArray(), base64.Select(Convert.ToHexString).ToArray(), "keys and keys_base64 are the same shares");
        return (hex, answer["root_token"].GetString()!);
    }

    private async Task<JsonElement> UnsealAsync(TestHost test, string key) => ToElement((await test.Host.WriteAsync("sys/unseal", new { key }, Token))!);

    private async Task UnsealWithAsync(TestHost test, params byte[][] shares)
    {
        JsonElement status = default;
        foreach (var share in shares)
        {
            status = await UnsealAsync(test, Convert.ToBase64String(share));
        }

        Assert.IsFalse(status.GetProperty("sealed").GetBoolean());
    }

    private void AssertNothingInTheClear()
    {
        var value = Encoding.UTF8.GetBytes(Secret);
        var encodings = new[] { value, Encoding.UTF8.GetBytes(Convert.ToBase64String(value)), Encoding.UTF8.GetBytes(Convert.ToHexString(value)), Encoding.UTF8.GetBytes(Convert.ToHexStringLower(value)) };
        // The lock file is empty, and held open by a running host.
        foreach (var file in Directory.GetFiles(DataDirectory, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != ".lock"))
        {
            var bytes = File.ReadAllBytes(file);
            Assert.IsFalse(encodings.Any(encoding => bytes.AsSpan().IndexOf(encoding) >= 0), $"{file} holds the secret");
            Assert.IsLessThan(0, bytes.AsSpan().IndexOf("secret/"u8), $"{file} holds the mount table in the clear");
        }
    }

    private static JsonElement ToElement(BackendResponse response) => JsonSerializer.SerializeToElement(response.Data);

    private static Dictionary<string, JsonElement> Fields(object data) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(data))!;

    // A store whose writes under a prefix fail after a number of them: a crash half-way through a migration.
    private sealed class FailingAfterPuts(IStorage inner, string prefix, int allowed) : IStorage
    {
        private int _left = allowed;

        public ValueTask<StorageEntry?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

        public ValueTask PutAsync(StorageEntry entry, CancellationToken cancellationToken = default) =>
            entry.Key.StartsWith(prefix, StringComparison.Ordinal) && Interlocked.Decrement(ref _left) < 0
                ? ValueTask.FromException(new IOException("disk failure"))
                : inner.PutAsync(entry, cancellationToken);

        public ValueTask DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

        public ValueTask<IReadOnlyList<string>> ListAsync(string listPrefix, CancellationToken cancellationToken = default) => inner.ListAsync(listPrefix, cancellationToken);
    }
}
