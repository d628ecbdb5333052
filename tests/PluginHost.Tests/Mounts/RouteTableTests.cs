using PluginHost.Mounts;

namespace PluginHost.Tests.Mounts;

[TestClass]
public sealed class RouteTableTests
{
    private static RouteTable TableOf(params string[] routePaths) =>
        RouteTable.Create(routePaths.Select(p => new MountState(
            new MountEntry
            {
                Table = p.StartsWith("auth/", StringComparison.Ordinal) ? BackendType.Auth : BackendType.Secret,
                Path = p.StartsWith("auth/", StringComparison.Ordinal) ? p["auth/".Length..] : p,
                PluginName = "kv",
                Uuid = Guid.NewGuid().ToString(),
                Accessor = "kv_00000000",
            },
            (_, _) => throw new InvalidOperationException("not started in routing tests"),
            TimeProvider.System)));

    [TestMethod]
    [DataRow("secret/foo", "secret/")]
    [DataRow("secret/a/b/c", "secret/")]
    [DataRow("secret", "secret/")]
    [DataRow("secret/", "secret/")]
    [DataRow("team/app/key", "team/app/")]
    [DataRow("team/other/key", "team/")]
    [DataRow("auth/userpass/login/alice", "auth/userpass/")]
    public void TryMatch_PicksLongestMountOnSegmentBoundary(string path, string expected)
    {
        var table = TableOf("secret/", "team/", "team/app/", "auth/userpass/");
        Assert.IsTrue(table.TryMatch(path, out var mount));
        Assert.AreEqual(expected, mount.Entry.RoutePath);
    }

    [TestMethod]
    [DataRow("secretx/foo")]
    [DataRow("secre")]
    [DataRow("other/secret/foo")]
    [DataRow("auth/other/login")]
    [DataRow("")]
    public void TryMatch_NoMountOnBoundary_Fails(string path)
    {
        var table = TableOf("secret/", "auth/userpass/");
        Assert.IsFalse(table.TryMatch(path, out _));
    }

    [TestMethod]
    public void WithAndWithout_BuildNewSnapshotsAndLeaveTheOldOneIntact()
    {
        var empty = TableOf();
        var one = empty.With(TableOf("a/").Mounts[0]);
        var none = one.Without("a/");

        Assert.IsFalse(empty.TryMatch("a/x", out _));
        Assert.IsTrue(one.TryMatch("a/x", out _));
        Assert.IsFalse(none.TryMatch("a/x", out _));
        Assert.IsNotNull(one.Find("a/"));
        Assert.IsNull(none.Find("a/"));
    }

    [TestMethod]
    public void TryMatch_AmongTenThousandMounts_FindsEach()
    {
        var paths = Enumerable.Range(0, 10_000).Select(i => $"tenant-{i}/kv/").ToArray();
        var table = TableOf(paths);
        foreach (var path in paths)
        {
            Assert.IsTrue(table.TryMatch(path + "some/key", out var mount));
            Assert.AreEqual(path, mount.Entry.RoutePath);
        }
    }
}
