using System.Text;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Seal;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Seal;

/// <summary>
/// A host with a static seal keeps its data directory encrypted: what a client writes is nowhere in the files, a
/// restart with the key reads it, and a wrong key, old clear data or a Shamir-sealed store are refused saying why.
/// </summary>
// Key files are checked for their Unix mode.
[TestClass]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StaticSealTests : IDisposable
{
    private const string Secret = "correct-horse-battery-staple";

    private readonly string _root = Directory.CreateTempSubdirectory("pluginhost-seal-").FullName;

    public TestContext TestContext { get; set; } = null!;

    private string DataDirectory => Path.Join(_root, "data");

    private CancellationToken Token => TestContext.CancellationToken;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [TestMethod]
    public async Task ASecretWritten_IsNowhereUnderTheDataDirectory_InAnyEncoding_AndReadsBackAfterARestart()
    {
        var keyFile = WriteKeyFile("key", Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        await using (var first = Host(keyFile))
        {
            await first.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "secret" }, Token);
            await first.Host.WriteAsync("secret/db", new { password = Secret }, Token);
        }

        var value = Encoding.UTF8.GetBytes(Secret);
        var encodings = new[] { value, Encoding.UTF8.GetBytes(Convert.ToBase64String(value)), Encoding.UTF8.GetBytes(Convert.ToHexString(value)), Encoding.UTF8.GetBytes(Convert.ToHexString(value).ToLowerInvariant()) };
        var files = Directory.GetFiles(DataDirectory, "*", SearchOption.AllDirectories);
        Assert.IsNotEmpty(files);
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            Assert.IsFalse(encodings.Any(encoding => bytes.AsSpan().IndexOf(encoding) >= 0), $"{file} holds the secret");
            Assert.IsLessThan(0, bytes.AsSpan().IndexOf("secret/"u8), $"{file} holds the mount table in the clear");
        }

        await using var restarted = Host(keyFile);
        var read = await restarted.Host.ReadAsync("secret/db", Token);
        Assert.AreEqual(Secret, read!.Data!["password"].GetString());
    }

    [TestMethod]
    public async Task AnotherKey_IsRefusedAsAnInvalidKey()
    {
        await using (var first = Host(WriteKeyFile("key", new string('a', 64))))
        {
            await first.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "secret" }, Token);
        }

        await using var wrong = Host(WriteKeyFile("other", new string('b', 64)));
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await wrong.Host.Mounts.ListAsync(BackendType.Secret, Token));

        Assert.AreEqual("unseal failed, invalid key", error.Message);
    }

    [TestMethod]
    public async Task DataWrittenWithoutTheSeal_IsNotOpened_NorEncryptedInPlace()
    {
        await using (var clear = TestHost.Create(o => o.DataDirectory = DataDirectory))
        {
            await clear.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "secret" }, Token);
        }

        var before = Snapshot();
        await using var sealedHost = Host(WriteKeyFile("key", new string('c', 64)));
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await sealedHost.Host.Mounts.ListAsync(BackendType.Secret, Token));

        StringAssert.Contains(error.Message, "holds data written without encryption");
        CollectionAssert.AreEquivalent(before, Snapshot(), "nothing was changed");
    }

    [TestMethod]
    public async Task DataWrittenWithoutTheSeal_IsEncryptedByMigrate_ThenReadThroughTheSeal_AndASecondMigrateIsRefused()
    {
        await using (var clear = TestHost.Create(o => o.DataDirectory = DataDirectory))
        {
            await clear.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "secret" }, Token);
            await clear.Host.WriteAsync("secret/db", new { password = Secret }, Token);
        }

        var keyFile = WriteKeyFile("key", new string('f', 64));
        using (var raw = new PluginHost.Storage.FileStorage(DataDirectory, TimeSpan.FromSeconds(10)))
        {
            var barrier = new AutoUnsealedStorage(raw, new FileUnsealKeyProvider(keyFile), new BarrierKeys(raw, TimeProvider.System));
            Assert.IsGreaterThanOrEqualTo(2, await barrier.MigrateAsync(Token), "the mount table and the kv entry, at least");
            var again = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await barrier.MigrateAsync(Token));
            Assert.AreEqual("Vault is already initialized", again.Message);
        }

        var value = Encoding.UTF8.GetBytes(Secret);
        foreach (var file in Directory.GetFiles(DataDirectory, "*", SearchOption.AllDirectories))
        {
            Assert.IsLessThan(0, File.ReadAllBytes(file).AsSpan().IndexOf(value), $"{file} holds the secret");
        }

        await using var sealedHost = Host(keyFile);
        Assert.AreEqual(Secret, (await sealedHost.Host.ReadAsync("secret/db", Token))!.Data!["password"].GetString());
    }

    [TestMethod]
    public async Task AStoreSealedWithShamirKeys_SaysToUnsealItOnTheServer()
    {
        Directory.CreateDirectory(DataDirectory);
        using (var raw = new PluginHost.Storage.FileStorage(DataDirectory, TimeSpan.FromSeconds(10)))
        {
            await new BarrierKeys(raw, TimeProvider.System).InitializeAsync(new SealConfig(SealConfig.Shamir, 5, 3), Token);
        }

        await using var host = Host(WriteKeyFile("key", new string('d', 64)));
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await host.Host.Mounts.ListAsync(BackendType.Secret, Token));

        Assert.AreEqual("the data directory is sealed with Shamir keys, which a static seal cannot open: remove the seal stanza, run plugin-host server and unseal it with its key shares", error.Message);
    }

    [TestMethod]
    [DataRow("0123", "not a 32-byte key")]
    [DataRow("", "not a 32-byte key")]
    public async Task AKeyFileThatIsNotAKey_IsRefusedSayingHowToMakeOne(string content, string reason)
    {
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await new FileUnsealKeyProvider(WriteKeyFile("bad", content)).GetUnsealKeyAsync(Token));

        StringAssert.Contains(error.Message, reason);
        StringAssert.Contains(error.Message, "openssl rand");
    }

    [TestMethod]
    public async Task KeyFiles_InEachAcceptedForm_GiveTheSameKey()
    {
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var raw = Path.Join(_root, "raw");
        File.WriteAllBytes(raw, key);
        File.SetUnixFileMode(raw, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        foreach (var path in new[] { raw, WriteKeyFile("hex", Convert.ToHexString(key) + "\n"), WriteKeyFile("base64", Convert.ToBase64String(key)) })
        {
            CollectionAssert.AreEqual(key, await new FileUnsealKeyProvider(path).GetUnsealKeyAsync(Token), path);
        }
    }

    [TestMethod]
    public async Task AKeyFileOthersCanRead_IsRefused()
    {
        var path = WriteKeyFile("open", new string('e', 64));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await new FileUnsealKeyProvider(path).GetUnsealKeyAsync(Token));

        StringAssert.Contains(error.Message, $"can be read or written by other users: chmod 600 {path}");
    }

    private TestHost Host(string keyFile) => TestHost.Create(o => o.DataDirectory = DataDirectory, b => b.UseStaticSeal(keyFile));

    private string WriteKeyFile(string name, string content)
    {
        var path = Path.Join(_root, name);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    // The entries, without the host's own files (the lock, the plugin cache: names starting with '.').
    private string[] Snapshot() =>
        [.. Directory.GetFiles(DataDirectory, "*", SearchOption.AllDirectories).Where(f => !Path.GetRelativePath(DataDirectory, f).StartsWith('.')).Select(f => f + ":" + Convert.ToHexString(File.ReadAllBytes(f)))];
}
