using PluginHost.Authorization;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Seal;

/// <summary>Vault's <c>sys/key-status</c> and <c>sys/rotate</c> on a host whose storage is sealed with a static key.</summary>
[TestClass]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BarrierSystemPathsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pluginhost-rotate-").FullName;

    public TestContext TestContext { get; set; } = null!;

    private CancellationToken Token => TestContext.CancellationToken;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [TestMethod]
    public async Task Rotate_AddsATerm_ThatNewWritesUse_AndEarlierDataStillReads_AfterARestart()
    {
        var keyFile = Path.Join(_root, "key");
        File.WriteAllText(keyFile, new string('4', 64));
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var data = Path.Join(_root, "data");
        await using (var test = TestHost.Create(o => o.DataDirectory = data, b => b.UseStaticSeal(keyFile)))
        {
            await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = "secret" }, Token);
            await test.Host.WriteAsync("secret/before", new { v = "1" }, Token);
            var before = await test.Host.ReadAsync("sys/key-status", Token);

            Assert.IsNull(await test.Host.WriteAsync("sys/rotate", new { }, Token));
            var writesBefore = (await test.Host.ReadAsync("sys/key-status", Token))!.Data!["encryptions"].GetInt64();
            await test.Host.WriteAsync("secret/after", new { v = "2" }, Token);
            var after = await test.Host.ReadAsync("sys/key-status", Token);

            Assert.AreEqual(1, before!.Data!["term"].GetInt64());
            Assert.IsGreaterThan(0, before.Data["encryptions"].GetInt64(), "the mount table and the secret were written with term 1");
            Assert.AreEqual(2, after!.Data!["term"].GetInt64());
            Assert.AreEqual(writesBefore + 1, after.Data["encryptions"].GetInt64(), "the write after the rotation used term 2");
            Assert.IsTrue(DateTimeOffset.TryParse(after.Data["install_time"].GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
        }

        await using var restarted = TestHost.Create(o => o.DataDirectory = data, b => b.UseStaticSeal(keyFile));
        Assert.AreEqual("1", (await restarted.Host.ReadAsync("secret/before", Token))!.Data!["v"].GetString());
        Assert.AreEqual("2", (await restarted.Host.ReadAsync("secret/after", Token))!.Data!["v"].GetString());
        Assert.AreEqual(2, (await restarted.Host.ReadAsync("sys/key-status", Token))!.Data!["term"].GetInt64());
    }

    [TestMethod]
    public async Task Rotate_NeedsSudo()
    {
        await using var test = TestHost.Create(build: b => b.UseUnsealKeyProvider(new FixedKey()));
        await test.Host.WriteAsync("sys/policies/acl/rotator", new { policy = """path "sys/rotate" { capabilities = ["update"] }""" }, Token);

        var denied = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.HandleRequestAsync(
            new BackendRequest { Operation = Operation.Update, Path = "sys/rotate" }, RequestCaller.FromPolicies("ops", ["rotator"]), Token));

        Assert.AreEqual(ErrorCode.Forbidden, denied.Code);
        Assert.AreEqual(1, (await test.Host.ReadAsync("sys/key-status", Token))!.Data!["term"].GetInt64());
    }

    [TestMethod]
    public async Task WithoutASeal_KeyStatusSaysThereIsNoBarrier()
    {
        await using var test = TestHost.Create();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.ReadAsync("sys/key-status", Token));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        StringAssert.StartsWith(error.Message, "this host's storage is not encrypted");
    }

    private sealed class FixedKey : PluginHost.Seal.IUnsealKeyProvider
    {
        public ValueTask<byte[]> GetUnsealKeyAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new byte[32]);
    }
}
