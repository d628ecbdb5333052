using System.Text.RegularExpressions;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Mounts;

[TestClass]
public sealed class MountTableTests
{
    private static MountRequest Secret(string plugin, string? path = null) => new() { Type = BackendType.Secret, Plugin = plugin, Path = path };

    private static MountRequest Auth(string plugin, string? path = null) => new() { Type = BackendType.Auth, Plugin = plugin, Path = path };

    [TestMethod]
    public async Task Enable_WithoutPath_MountsAtPluginName()
    {
        await using var test = TestHost.Create();
        var entry = await test.Host.Mounts.EnableAsync(Secret("kv"));
        Assert.AreEqual("kv/", entry.Path);
        Assert.AreEqual("kv/", entry.RoutePath);
    }

    [TestMethod]
    [DataRow("/secret", "secret/")]
    [DataRow("secret/", "secret/")]
    [DataRow("//team/app", "team/app/")]
    public async Task Enable_Path_IsSanitized(string given, string expected)
    {
        await using var test = TestHost.Create();
        var entry = await test.Host.Mounts.EnableAsync(Secret("kv", given));
        Assert.AreEqual(expected, entry.Path);
    }

    [TestMethod]
    [DataRow("a//b", "empty")]
    [DataRow("a/../b", "'..'")]
    [DataRow("a b", "whitespace")]
    public async Task Enable_MalformedPath_IsRefused(string path, string reason)
    {
        await using var test = TestHost.Create();
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.Mounts.EnableAsync(Secret("kv", path)));
        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        StringAssert.Contains(error.Message, reason);
    }

    [TestMethod]
    [DataRow("sys/foo")]
    [DataRow("sys")]
    [DataRow("cubbyhole")]
    [DataRow("identity/x")]
    [DataRow("audit")]
    public async Task Enable_ReservedPrefix_IsRefused(string path)
    {
        await using var test = TestHost.Create();
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.Mounts.EnableAsync(Secret("kv", path)));
        Assert.AreEqual(ErrorCode.Forbidden, error.Code);
        StringAssert.StartsWith(error.Message, $"cannot mount \"{MountPaths.Sanitize(path)}\"");
    }

    [TestMethod]
    public async Task Enable_SecretUnderAuthPrefix_IsRefusedWithHint()
    {
        await using var test = TestHost.Create();
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.Mounts.EnableAsync(Secret("kv", "auth/kv")));
        StringAssert.Contains(error.Message, "enable auth methods with 'auth enable' instead");
    }

    [TestMethod]
    public async Task Enable_AuthMethod_IsRoutedUnderAuthPrefix()
    {
        await using var test = TestHost.Create();
        var entry = await test.Host.Mounts.EnableAsync(Auth("userpass"));
        Assert.AreEqual("userpass/", entry.Path);
        Assert.AreEqual("auth/userpass/", entry.RoutePath);
        Assert.AreEqual(BackendType.Auth, entry.Table);
        StringAssert.StartsWith(entry.StoragePrefix, "auth/");
    }

    [TestMethod]
    [DataRow("secret", "secret")]
    [DataRow("secret", "secret/sub")]
    [DataRow("secret/sub", "secret")]
    public async Task Enable_OverlappingPath_IsRefusedWithExistingMountInMessage(string first, string second)
    {
        await using var test = TestHost.Create();
        await test.Host.Mounts.EnableAsync(Secret("kv", first));
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.Mounts.EnableAsync(Secret("kv", second)));
        Assert.AreEqual($"path is already in use at {first}/", error.Message);
    }

    [TestMethod]
    public async Task Enable_SiblingWithCommonPrefix_IsAllowed()
    {
        await using var test = TestHost.Create();
        await test.Host.Mounts.EnableAsync(Secret("kv", "secret"));
        var entry = await test.Host.Mounts.EnableAsync(Secret("kv", "secrets"));
        Assert.AreEqual("secrets/", entry.Path);
    }

    [TestMethod]
    public async Task Enable_SecretPluginAsAuth_IsRefusedWithVaultMessage()
    {
        await using var test = TestHost.Create();
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.Mounts.EnableAsync(Auth("kv", "my-auth")));
        Assert.AreEqual("cannot mount 'kv' of type 'secret' as an auth method", error.Message);
        Assert.IsEmpty(await test.Host.Mounts.ListAsync());
    }

    [TestMethod]
    public async Task Enable_UnknownPlugin_IsNotFound()
    {
        await using var test = TestHost.Create();
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.Mounts.EnableAsync(Secret("nope")));
        Assert.AreEqual(ErrorCode.NotFound, error.Code);
        StringAssert.Contains(error.Message, "plugin not found in the catalog: nope");
    }

    [TestMethod]
    public async Task Enable_DatabaseType_IsRefused()
    {
        await using var test = TestHost.Create();
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(
            () => test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Database, Plugin = "kv" }));
        StringAssert.Contains(error.Message, "only secret and auth plugins can be mounted");
    }

    [TestMethod]
    public async Task Enable_EmptyPluginName_IsRefused()
    {
        await using var test = TestHost.Create();
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.Mounts.EnableAsync(Secret(" ")));
        StringAssert.Contains(error.Message, "plugin name is empty");
    }

    [TestMethod]
    public async Task Enable_GivesUniqueUuidAccessorAndKeepsDescriptionAndConfig()
    {
        await using var test = TestHost.Create();
        var config = new MountConfig { DefaultLeaseTtl = TimeSpan.FromHours(1), Options = new Dictionary<string, string> { ["version"] = "1" } };
        var a = await test.Host.Mounts.EnableAsync(Secret("kv", "a") with { Description = "team a", Config = config });
        var b = await test.Host.Mounts.EnableAsync(Secret("kv", "b"));
        Assert.IsTrue(Guid.TryParse(a.Uuid, out _));
        Assert.AreNotEqual(a.Uuid, b.Uuid);
        Assert.MatchesRegex(new Regex("^kv_[0-9a-f]{8}$"), a.Accessor);
        Assert.AreNotEqual(a.Accessor, b.Accessor);
        Assert.AreEqual("team a", a.Description);
        Assert.AreEqual(config, a.Config);
        Assert.AreEqual($"logical/{a.Uuid}/", a.StoragePrefix);
    }

    [TestMethod]
    public async Task List_IsSortedAndFiltersByTable()
    {
        await using var test = TestHost.Create();
        await test.Host.Mounts.EnableAsync(Secret("kv", "zeta"));
        await test.Host.Mounts.EnableAsync(Secret("kv", "alpha"));
        await test.Host.Mounts.EnableAsync(Auth("userpass"));
        CollectionAssert.AreEqual(new[] { "alpha/", "auth/userpass/", "zeta/" }, (await test.Host.Mounts.ListAsync()).Select(m => m.RoutePath).ToArray());
        CollectionAssert.AreEqual(new[] { "alpha/", "zeta/" }, (await test.Host.Mounts.ListAsync(BackendType.Secret)).Select(m => m.Path).ToArray());
        CollectionAssert.AreEqual(new[] { "userpass/" }, (await test.Host.Mounts.ListAsync(BackendType.Auth)).Select(m => m.Path).ToArray());
    }

    [TestMethod]
    public async Task Disable_DeletesTheMountsDataAndReenableStartsEmpty()
    {
        await using var test = TestHost.Create();
        await test.Host.Mounts.EnableAsync(Secret("kv", "secret"));
        await test.Host.WriteAsync("secret/foo", new { value = "bar" });
        await test.Host.Mounts.DisableAsync(BackendType.Secret, "secret");

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.ReadAsync("secret/foo"));
        Assert.AreEqual(ErrorCode.NotFound, error.Code);
        await test.Host.Mounts.EnableAsync(Secret("kv", "secret"));
        Assert.IsNull(await test.Host.ReadAsync("secret/foo"));
    }

    [TestMethod]
    public async Task Disable_MissingMount_Succeeds()
    {
        await using var test = TestHost.Create();
        await test.Host.Mounts.DisableAsync(BackendType.Secret, "never-mounted");
        await test.Host.Mounts.DisableAsync(BackendType.Auth, "never-mounted");
    }

    [TestMethod]
    public async Task Disable_AuthMethod_UsesPathWithinAuthTable()
    {
        await using var test = TestHost.Create();
        await test.Host.Mounts.EnableAsync(Auth("userpass"));
        await test.Host.Mounts.DisableAsync(BackendType.Auth, "userpass");
        Assert.IsEmpty(await test.Host.Mounts.ListAsync());
    }

    [TestMethod]
    public async Task Remount_KeepsUuidAccessorAndData()
    {
        await using var test = TestHost.Create();
        var before = await test.Host.Mounts.EnableAsync(Secret("kv", "old"));
        await test.Host.WriteAsync("old/foo", new { value = "bar" });

        var after = await test.Host.Mounts.RemountAsync("old", "new");

        Assert.AreEqual("new/", after.Path);
        Assert.AreEqual(before.Uuid, after.Uuid);
        Assert.AreEqual(before.Accessor, after.Accessor);
        Assert.AreEqual("bar", (await test.Host.ReadAsync("new/foo"))!.Data!["value"].GetString());
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await test.Host.ReadAsync("old/foo"));
        Assert.AreEqual(ErrorCode.NotFound, error.Code);
    }

    [TestMethod]
    public async Task Remount_AuthMethod_MovesWithinAuthTable()
    {
        await using var test = TestHost.Create();
        await test.Host.Mounts.EnableAsync(Auth("userpass"));
        var moved = await test.Host.Mounts.RemountAsync("auth/userpass", "auth/people");
        Assert.AreEqual("auth/people/", moved.RoutePath);
        Assert.AreEqual(BackendType.Auth, moved.Table);
    }

    [TestMethod]
    public async Task Remount_AcrossTables_IsRefused()
    {
        await using var test = TestHost.Create();
        await test.Host.Mounts.EnableAsync(Secret("kv", "secret"));
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.Mounts.RemountAsync("secret", "auth/secret"));
        StringAssert.Contains(error.Message, "auth methods stay under auth/");
    }

    [TestMethod]
    public async Task Remount_ToUsedOrReservedPath_IsRefusedAndKeepsServing()
    {
        await using var test = TestHost.Create();
        await test.Host.Mounts.EnableAsync(Secret("kv", "a"));
        await test.Host.Mounts.EnableAsync(Secret("kv", "b"));
        await test.Host.WriteAsync("a/k", new { v = "1" });

        var used = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.Mounts.RemountAsync("a", "b/inner"));
        Assert.AreEqual("path is already in use at b/", used.Message);
        var reserved = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.Mounts.RemountAsync("a", "sys/a"));
        Assert.AreEqual(ErrorCode.Forbidden, reserved.Code);
        Assert.IsNotNull(await test.Host.ReadAsync("a/k"));
    }

    [TestMethod]
    public async Task Remount_MissingSource_IsRefused()
    {
        await using var test = TestHost.Create();
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.Mounts.RemountAsync("ghost", "other"));
        Assert.AreEqual("no matching mount at \"ghost/\"", error.Message);
    }

    [TestMethod]
    public async Task Tune_ChangesDescriptionAndTtlsWithoutRestartingTheBackend()
    {
        var probe = new ProbeBackend();
        await using var test = TestHost.Create(build: b => b.AddBuiltinPlugin("probe", BackendType.Secret, _ => probe));
        await test.Host.Mounts.EnableAsync(Secret("probe"));

        var tuned = await test.Host.Mounts.TuneAsync(BackendType.Secret, "probe", new MountTuning
        {
            Description = "tuned",
            DefaultLeaseTtl = TimeSpan.FromMinutes(5),
            MaxLeaseTtl = TimeSpan.FromHours(1),
        });

        Assert.AreEqual("tuned", tuned.Description);
        Assert.AreEqual(TimeSpan.FromMinutes(5), tuned.Config.DefaultLeaseTtl);
        Assert.AreEqual(tuned, await test.Host.Mounts.GetAsync(BackendType.Secret, "probe"));
        Assert.AreEqual(1, probe.Setups);
    }

    [TestMethod]
    public async Task Tune_ChangedOptions_RestartTheBackendWithThem()
    {
        var probes = new List<ProbeBackend>();
        await using var test = TestHost.Create(build: b => b.AddBuiltinPlugin("probe", BackendType.Secret, _ =>
        {
            var probe = new ProbeBackend();
            probes.Add(probe);
            return probe;
        }));
        await test.Host.Mounts.EnableAsync(Secret("probe"));

        await test.Host.Mounts.TuneAsync(BackendType.Secret, "probe", new MountTuning { Options = new Dictionary<string, string> { ["mode"] = "fast" } });

        Assert.HasCount(2, probes);
        Assert.AreEqual(1, probes[0].Cleanups);
        Assert.AreEqual("fast", probes[1].Config!.Options["mode"]);
        var answer = await test.Host.ReadAsync("probe/x");
        Assert.IsNotNull(answer);
        Assert.HasCount(1, probes[1].Requests);
    }

    [TestMethod]
    public async Task Tune_DefaultAboveMax_IsRefused()
    {
        await using var test = TestHost.Create();
        await test.Host.Mounts.EnableAsync(Secret("kv"));
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.Mounts.TuneAsync(
            BackendType.Secret, "kv", new MountTuning { DefaultLeaseTtl = TimeSpan.FromHours(2), MaxLeaseTtl = TimeSpan.FromHours(1) }));
        StringAssert.Contains(error.Message, "cannot be greater than the max lease TTL");
    }

    [TestMethod]
    public async Task Tune_MissingMount_IsRefused()
    {
        await using var test = TestHost.Create();
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.Mounts.TuneAsync(BackendType.Secret, "ghost", new MountTuning()));
        StringAssert.Contains(error.Message, "no mount at \"ghost/\"");
    }

    [TestMethod]
    public async Task Reload_StartsANewBackendThenRetiresTheOld()
    {
        var probes = new List<ProbeBackend>();
        await using var test = TestHost.Create(build: b => b.AddBuiltinPlugin("probe", BackendType.Secret, _ =>
        {
            var probe = new ProbeBackend();
            probes.Add(probe);
            return probe;
        }));
        await test.Host.Mounts.EnableAsync(Secret("probe", "one"));
        await test.Host.Mounts.EnableAsync(Secret("probe", "two"));

        await test.Host.Mounts.ReloadAsync(BackendType.Secret, "one");
        Assert.HasCount(3, probes);
        Assert.AreEqual(1, probes[0].Cleanups, "the old backend of one/ is retired");
        await test.Host.ReadAsync("one/x");
        Assert.HasCount(1, probes[2].Requests, "one/ is served by its new backend");

        var reloaded = await test.Host.Mounts.ReloadPluginAsync(BackendType.Secret, "probe");
        CollectionAssert.AreEqual(new[] { "one/", "two/" }, reloaded.Select(m => m.Path).ToArray());
        Assert.HasCount(5, probes);
    }

    [TestMethod]
    public async Task Reload_NothingToReload_IsRefusedClearly()
    {
        await using var test = TestHost.Create();
        var noMount = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.Mounts.ReloadAsync(BackendType.Secret, "ghost"));
        var noPlugin = await Assert.ThrowsExactlyAsync<PluginHostException>(() => test.Host.Mounts.ReloadPluginAsync(BackendType.Secret, "kv"));
        StringAssert.Contains(noMount.Message, "no mount at \"ghost/\"");
        Assert.AreEqual("no mounts use the secret plugin 'kv'; nothing to reload", noPlugin.Message);
    }
}
