using System.Diagnostics;
using PluginHost.Runtime;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Runtime;

/// <summary>The parts of plugin containment that need no plugin: finding cgroup2, the leftover sweep, limit reports.</summary>
[TestClass]
public sealed class ContainmentPartsTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Cgroup2Mount_IsFoundWhereverItIsMounted()
    {
        string[] hybrid =
        [
            "30 25 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755",
            "41 30 0:38 / /sys/fs/cgroup/unified rw,relatime shared:10 - cgroup2 cgroup2 rw",
            "42 30 0:39 / /sys/fs/cgroup/memory rw shared:11 - cgroup cgroup rw,memory",
        ];
        string[] pure = ["35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate"];
        string[] none = ["22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw"];

        Assert.AreEqual("/sys/fs/cgroup/unified", CgroupV2.FindMount(hybrid));
        Assert.AreEqual("/sys/fs/cgroup", CgroupV2.FindMount(pure));
        Assert.IsNull(CgroupV2.FindMount(none));
    }

    [TestMethod]
    public async Task LeftoverSweep_KillsTheMarkedProcessesOfAHostThatIsGone_AndKeepsThoseOfALiveOne()
    {
        var runs = Directory.CreateTempSubdirectory("pluginhost-runs-test-").FullName;
        var marker = $"PLUGINHOST_SOCKET=/tmp/phs-test-{Guid.NewGuid():N}/s";
        using var orphan = StartSleep(marker);
        using var kept = StartSleep(marker + "-kept");
        try
        {
            var record = PluginRunRecord.Open(runs);
            var folder = record.Directory;

            // A host that is gone (pid 1 never has this start time) left its plugin's orphan; a live host (this process) runs another.
            File.WriteAllText(Path.Combine(folder, "1-999999999"), $"process {orphan.Id} 1 {marker}\n");
            File.WriteAllText(Path.Combine(folder, $"{Environment.ProcessId}-{LinuxProcessApi.StartTimeOf(Environment.ProcessId)}"), $"process {kept.Id} 1 {marker}-kept\n");

            var killed = record.SweepLeftovers();

            await orphan.WaitForExitAsync(TestContext.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.CancellationToken);
            Assert.AreEqual(1, killed, "the orphan found by its marker (its recorded start time does not match: not trusted by pid)");
            Assert.IsFalse(kept.HasExited, "a live host's plugins are its own business");
            Assert.IsFalse(File.Exists(Path.Combine(folder, "1-999999999")), "the swept file is deleted");
        }
        finally
        {
            kept.Kill();
            Directory.Delete(runs, recursive: true);
        }
    }

    [TestMethod]
    public async Task LeftoverSweep_KillsAndRemovesTheCgroupOfAHostThatIsGone()
    {
        var cgroups = CgroupV2.TryOpen(out var reason);
        if (cgroups is null)
        {
            Assert.Inconclusive($"no cgroup v2 the host can create children in: {reason}");
        }

        var runs = Directory.CreateTempSubdirectory("pluginhost-runs-test-").FullName;
        var cgroup = PluginCgroup.Create(Path.Combine(cgroups.Directory, $"pluginhost-test-{Guid.NewGuid():N}"), new HashSet<string>(), PluginResourceLimits.None);
        using var orphan = StartSleep("UNMARKED=1");
        try
        {
            cgroup.Enter(orphan.Id);
            var record = PluginRunRecord.Open(runs);
            File.WriteAllText(Path.Combine(record.Directory, "1-999999999"), PluginRunRecord.CgroupLine(cgroup.Directory) + "\n");

            Assert.AreEqual(1, record.SweepLeftovers());

            await orphan.WaitForExitAsync(TestContext.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.CancellationToken);
            Assert.IsFalse(Directory.Exists(cgroup.Directory), "the leftover cgroup is removed");
        }
        finally
        {
            cgroup.Kill();
            await Eventually.TrueAsync(() => Task.FromResult(!cgroup.IsPopulated()), "the test cgroup is empty");
            cgroup.Remove();
            Directory.Delete(runs, recursive: true);
        }
    }

    [TestMethod]
    public async Task OrphanSweep_KillsAndRemovesPluginCgroupsOfHostsThatAreGone_AndKeepsOurs()
    {
        var cgroups = CgroupV2.TryOpen(out var reason);
        if (cgroups is null)
        {
            Assert.Inconclusive($"no cgroup v2 the host can create children in: {reason}");
        }

        // Above the kernel's largest pid (4194304): a host that cannot be running.
        var orphan = PluginCgroup.Create(Path.Combine(cgroups.Directory, $"pluginhost-99999999-{Guid.NewGuid():N}-x"), new HashSet<string>(), PluginResourceLimits.None);
        var ours = PluginCgroup.Create(Path.Combine(cgroups.Directory, $"pluginhost-{Environment.ProcessId}-{Guid.NewGuid():N}-x"), new HashSet<string>(), PluginResourceLimits.None);
        using var leftover = StartSleep("UNMARKED=1");
        try
        {
            orphan.Enter(leftover.Id);

            Assert.IsGreaterThanOrEqualTo(1, cgroups.SweepOrphans());

            await leftover.WaitForExitAsync(TestContext.CancellationToken).WaitAsync(TimeSpan.FromSeconds(10), TestContext.CancellationToken);
            Assert.IsFalse(Directory.Exists(orphan.Directory), "the orphan cgroup is removed");
            Assert.IsTrue(Directory.Exists(ours.Directory), "this host's own cgroups are its business");
        }
        finally
        {
            orphan.Kill();
            await Eventually.TrueAsync(() => Task.FromResult(!orphan.IsPopulated()), "the test cgroup is empty");
            orphan.Remove();
            ours.Remove();
        }
    }

    [TestMethod]
    public void MemoryLimitBreach_IsReportedWithTheLimit_AndOnlyGuessedFromASignal()
    {
        var limits = new PluginResourceLimits(256L << 20, null, null);
        var jail = new PluginJail("x", "M=1", limits, cgroup: null, record: null);

        Assert.AreEqual(
            "plugin 'x' exceeded its memory limit of 256 MiB (an allocation failed under RLIMIT_DATA)",
            jail.DescribeLimitBreach(134, "Unhandled exception. System.OutOfMemoryException: Exception of type 'System.OutOfMemoryException' was thrown."));
        Assert.AreEqual("plugin 'x' probably exceeded its memory limit of 256 MiB (it died of signal 11 under RLIMIT_DATA)", jail.DescribeLimitBreach(139, ""));
        Assert.IsNull(jail.DescribeLimitBreach(3, "about to crash on purpose"), "an ordinary exit is not blamed on the limit");
        Assert.IsNull(new PluginJail("x", "M=1", PluginResourceLimits.None, null, null).DescribeLimitBreach(134, "OutOfMemoryException"), "no limit, no breach");
    }

    [TestMethod]
    [DataRow("open to others")]
    [DataRow("a symbolic link")]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void RunFolder_ThatIsNotPrivate_IsRefused(string what)
    {
        // Its files say what the next host kills: a folder others may write to (or a link to one) would let them choose.
        var data = Directory.CreateTempSubdirectory("pluginhost-runs-test-").FullName;
        var runs = Path.Combine(data, ".plugin-runs");
        try
        {
            if (what == "open to others")
            {
                Directory.CreateDirectory(runs);
                File.SetUnixFileMode(runs, (UnixFileMode)0b111_111_111);
            }
            else
            {
                var elsewhere = Directory.CreateDirectory(Path.Combine(data, "elsewhere"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                File.CreateSymbolicLink(runs, elsewhere.FullName);
            }

            var error = Assert.ThrowsExactly<IOException>(() => PluginRunRecord.Open(data));

            StringAssert.Contains(error.Message, $"'{runs}' is not a private folder of this user");
            StringAssert.Contains(error.Message, what == "open to others" ? "mode 777, a directory" : "not a directory");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [TestMethod]
    public void LeftoverSweep_IgnoresLinesNoHostWrites()
    {
        // A planted marker that many processes share, and a directory that is no plugin cgroup: nothing is touched.
        var data = Directory.CreateTempSubdirectory("pluginhost-runs-test-").FullName;
        var notACgroup = Directory.CreateDirectory(Path.Combine(data, "pluginhost-not-a-cgroup")).FullName;
        var shared = $"SHARED_BY_MANY={Guid.NewGuid():N}";
        using var bystander = StartSleep(shared);
        try
        {
            var record = PluginRunRecord.Open(data);
            File.WriteAllText(
                Path.Combine(record.Directory, "1-999999999"),
                $"process {bystander.Id} {LinuxProcessApi.StartTimeOf(bystander.Id)} {shared}\ncgroup {notACgroup}\n");

            Assert.AreEqual(0, record.SweepLeftovers());

            Assert.IsFalse(bystander.HasExited, "a process whose marker is not a plugin socket's is left alone");
            Assert.IsTrue(Directory.Exists(notACgroup), "a directory without cgroup.kill is left alone");
        }
        finally
        {
            bystander.Kill();
            Directory.Delete(data, recursive: true);
        }
    }

    private static Process StartSleep(string marker)
    {
        var start = new ProcessStartInfo("sleep") { UseShellExecute = false };
        start.ArgumentList.Add("600");
        var (name, value) = (marker[..marker.IndexOf('=', StringComparison.Ordinal)], marker[(marker.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        start.Environment[name] = value;
        return Process.Start(start)!;
    }
}
