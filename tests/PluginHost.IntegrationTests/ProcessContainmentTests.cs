using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.IntegrationTests;

/// <summary>
/// A plugin's processes die with it, whatever they did to get away (setsid and a double fork), on both containment
/// paths: a cgroup per plugin where the machine lets the host make one, and process tree plus environment marker
/// where it does not (forced with <see cref="PluginHostOptions.UseCgroups"/> = false).
/// </summary>
[TestClass]
public sealed class ProcessContainmentTests
{
    private const string Plugin = "adversarial-plugin";

    public TestContext TestContext { get; set; } = null!;

    private static async Task<PluginFixture> MountedAsync(
        bool cgroups, string mode = "normal", Action<PluginHostOptions>? configure = null, long? memoryLimit = null, int? maxOpenFiles = null, int? maxProcesses = null)
    {
        var fixture = new PluginFixture(o =>
        {
            o.UseCgroups = cgroups;
            configure?.Invoke(o);
        });
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration(Plugin, BackendType.Secret) with
        {
            Env = new Dictionary<string, string> { ["ADVERSARIAL_MODE"] = mode },
            MemoryLimit = memoryLimit,
            MaxOpenFiles = maxOpenFiles,
            MaxProcesses = maxProcesses,
        });
        await fixture.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = Plugin, Path = "bad" });
        RequirePath(cgroups, fixture.PluginProcesses(Plugin).Single());
        return fixture;
    }

    // The cgroup path is tested where the machine has it; elsewhere the test says why it could not run.
    private static void RequirePath(bool cgroups, int pid)
    {
        var cgroup = CgroupOf(pid);
        var inPluginCgroup = cgroup.Contains("/pluginhost-", StringComparison.Ordinal);
        if (cgroups && !inPluginCgroup)
        {
            Assert.Inconclusive($"this machine gives the host no cgroup v2 it can create plugin cgroups in (the plugin's cgroup is '{cgroup}')");
        }

        Assert.AreEqual(cgroups, inPluginCgroup, $"the plugin's cgroup is '{cgroup}'");
    }

    private static string CgroupOf(int pid) =>
        File.ReadAllLines($"/proc/{pid}/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal))?[3..] ?? "";

    private static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task<int> GrandchildAsync(IPluginHost host, string path) => (await host.ReadAsync(path))!.Data!["grandchild"].GetInt32();

    private static async Task<string> SocketDirectoryAsync(IPluginHost host) => (await host.ReadAsync("bad/socket-dir"))!.Data!["socket_dir"].GetString()!;

    [TestMethod]
    [DataRow(true, DisplayName = "cgroup")]
    [DataRow(false, DisplayName = "process tree and marker")]
    public async Task SetsidGrandchild_DiesWhenTheHostStopsGracefully(bool cgroups)
    {
        var fixture = await MountedAsync(cgroups, "detach-grandchild");
        var grandchild = await GrandchildAsync(fixture.Host, "bad/grandchild");
        var socketDirectory = await SocketDirectoryAsync(fixture.Host);
        Assert.IsTrue(Alive(grandchild), "the grandchild runs, detached from the plugin");

        await fixture.DisposeAsync();

        await Eventually.TrueAsync(() => Task.FromResult(!Alive(grandchild)), $"the plugin's setsid grandchild {grandchild} is gone", TimeSpan.FromSeconds(10));
        Assert.IsFalse(Directory.Exists(socketDirectory), "the plugin's socket folder is removed");
    }

    [TestMethod]
    [DataRow(true, DisplayName = "cgroup")]
    [DataRow(false, DisplayName = "process tree and marker")]
    public async Task SetsidGrandchild_DiesWhenThePluginCrashes(bool cgroups)
    {
        await using var fixture = await MountedAsync(cgroups);
        var grandchild = await GrandchildAsync(fixture.Host, "bad/detach");
        var socketDirectory = await SocketDirectoryAsync(fixture.Host);

        await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await fixture.Host.ReadAsync("bad/crash"));

        await Eventually.TrueAsync(() => Task.FromResult(!Alive(grandchild)), $"the crashed plugin's setsid grandchild {grandchild} is gone", TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => Task.FromResult(!Directory.Exists(socketDirectory)), "the crashed plugin's socket folder is removed");
    }

    [TestMethod]
    [DataRow(true, DisplayName = "cgroup")]
    [DataRow(false, DisplayName = "process tree and marker")]
    public async Task SetsidGrandchild_DiesWhenThePluginIsReloaded(bool cgroups)
    {
        await using var fixture = await MountedAsync(cgroups, configure: o => o.PluginShutdownGracePeriod = TimeSpan.FromSeconds(1));
        var grandchild = await GrandchildAsync(fixture.Host, "bad/detach");

        // Registered again with another env: the reload starts a new process and stops the old one.
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration(Plugin, BackendType.Secret) with
        {
            Env = new Dictionary<string, string> { ["ADVERSARIAL_MODE"] = "normal", ["GENERATION"] = "2" },
        });
        await fixture.Host.Mounts.ReloadPluginAsync(BackendType.Secret, Plugin);

        await Eventually.TrueAsync(() => Task.FromResult(!Alive(grandchild)), $"the reloaded plugin's setsid grandchild {grandchild} is gone", TimeSpan.FromSeconds(15));
        Assert.IsNotNull(await fixture.Host.ReadAsync("bad/pid"), "the new process serves");
    }

    [TestMethod]
    [DataRow(true, DisplayName = "cgroup")]
    [DataRow(false, DisplayName = "process tree and marker")]
    public async Task PluginIgnoringShutdown_WithAGrandchildHoldingItsOutput_StopsAndLeavesNothing(bool cgroups)
    {
        var fixture = await MountedAsync(cgroups, "hold-output", o => o.PluginShutdownGracePeriod = TimeSpan.FromSeconds(1));
        var grandchild = await GrandchildAsync(fixture.Host, "bad/grandchild");
        var socketDirectory = await SocketDirectoryAsync(fixture.Host);

        // A hang detector, not a timing assertion: the stop is bounded by the 1 s grace period plus a few seconds.
        var stopped = fixture.DisposeAsync().AsTask();
        var finished = await Task.WhenAny(stopped, Task.Delay(TimeSpan.FromSeconds(60), TestContext.CancellationToken));

        Assert.AreSame(stopped, finished, "the host's dispose finished");
        await Eventually.TrueAsync(() => Task.FromResult(!Alive(grandchild)), $"the grandchild {grandchild} holding the plugin's output is gone");
        Assert.IsFalse(Directory.Exists(socketDirectory), "the plugin's socket folder is removed");
    }

    [TestMethod]
    public async Task PluginThatStoppedReadingItsConnection_StillStops()
    {
        var fixture = await MountedAsync(cgroups: false, configure: o => o.PluginShutdownGracePeriod = TimeSpan.FromSeconds(1));
        var pid = fixture.PluginProcesses(Plugin).Single();
        Assert.IsNotNull(await fixture.Host.ReadAsync("bad/deaf"));
        await Eventually.TrueAsync(
            () => Task.FromResult(fixture.Logs.Entries.Any(e => e.Message == "no longer reading the connection, on purpose")), "the plugin stopped reading");

        // The mount's cleanup call is never answered (the host calls it without a deadline); the stop must not wait for it.
        var stopped = fixture.DisposeAsync().AsTask();
        var finished = await Task.WhenAny(stopped, Task.Delay(TimeSpan.FromSeconds(60), TestContext.CancellationToken));

        Assert.AreSame(stopped, finished, "the host's dispose finished (a hang detector: the bound is the grace period plus a few seconds)");
        await Eventually.TrueAsync(() => Task.FromResult(!Alive(pid)), "the deaf plugin is gone");
    }

    [TestMethod]
    [DataRow("cgroups", DisplayName = "cgroup")]
    [DataRow("no-cgroups", DisplayName = "process tree and marker")]
    public async Task HostKilledWithSigkill_NextHostOnTheDataDirectoryKillsTheGrandchildLeftBehind(string containment)
    {
        var root = Directory.CreateTempSubdirectory("pluginhost-leftover-").FullName;
        var data = Path.Combine(root, "data");
        int grandchild;
        try
        {
            var pluginDirectory = Directory.CreateDirectory(Path.Combine(root, "plugins")).FullName;
            foreach (var plugin in PublishedPlugins.All)
            {
                File.Copy(plugin, Path.Combine(pluginDirectory, Path.GetFileName(plugin)));
            }

            var start = new ProcessStartInfo(PublishedPlugins.ChildHost) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { pluginDirectory, Path.Combine(root, "cache"), data, containment })
            {
                start.ArgumentList.Add(argument);
            }

            using var host = Process.Start(start)!;
            var stderr = host.StandardError.ReadToEndAsync(TestContext.CancellationToken);
            var line = await host.StandardOutput.ReadLineAsync(TestContext.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(60), TestContext.CancellationToken);
            Assert.IsNotNull(line, $"the child host started; its stderr: {(host.HasExited ? await stderr : "(running)")}");
            StringAssert.StartsWith(line, "grandchild ");
            grandchild = int.Parse(line["grandchild ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.AreEqual("ready", await host.StandardOutput.ReadLineAsync(TestContext.CancellationToken));
            if (containment == "cgroups" && !CgroupOf(grandchild).Contains("/pluginhost-", StringComparison.Ordinal))
            {
                host.Kill();
                Assert.Inconclusive($"this machine gives the host no cgroup v2 it can create plugin cgroups in (the grandchild's cgroup is '{CgroupOf(grandchild)}')");
            }

            host.Kill();
            await host.WaitForExitAsync(TestContext.CancellationToken);
            Assert.IsTrue(Alive(grandchild), "nothing of a SIGKILLed host runs: its plugin's detached grandchild is still there");

            await using var next = new PluginFixture(o =>
            {
                o.DataDirectory = data;
                o.UseCgroups = containment == "cgroups";
            });
            Assert.IsNotNull(await next.Host.ReadAsync("one/kv/foo"), "the next host restores the mounts and launches their plugins");

            await Eventually.TrueAsync(() => Task.FromResult(!Alive(grandchild)), $"the leftover grandchild {grandchild} is killed by the next host", TimeSpan.FromSeconds(10));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [TestMethod]
    public async Task DescriptorInheritedWithoutCloseOnExec_IsNotOpenInThePlugin()
    {
        var secret = Path.Combine(Path.GetTempPath(), $"pluginhost-secret-{Guid.NewGuid():N}");
        File.WriteAllText(secret, "the host's secret");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // As an embedding application or a native library might: open(2) without O_CLOEXEC.
        var fd = Open(Encoding.UTF8.GetBytes(secret + "\0"), 0);
        Assert.IsGreaterThan(2, fd, $"opened the secret file (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            await using var fixture = await MountedAsync(cgroups: false);

            var descriptors = (await fixture.Host.ReadAsync("bad/fds"))!.Data!["fds"].EnumerateArray().Select(d => d.GetString()!).ToArray();

            var listing = string.Join("; ", descriptors);
            Assert.IsFalse(descriptors.Any(d => d.EndsWith(secret, StringComparison.Ordinal)), $"the plugin cannot read the host's descriptor {fd}: {listing}");
            CollectionAssert.IsSubsetOf(new[] { 0, 1, 2 }, descriptors.Select(d => int.Parse(d.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray(), listing);

            // Every other descriptor is the plugin's own, opened after exec: its connection, the runtime's pipes,
            // epoll and eventfd, the runtime's W^X double-mapping memfd, and files of its runtime or its own binary.
            var unexpected = descriptors.Where(d => int.Parse(d.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) > 2)
                .Select(d => d[(d.IndexOf("-> ", StringComparison.Ordinal) + 3)..])
                .Where(target => !(target.StartsWith("socket:", StringComparison.Ordinal) || target.StartsWith("pipe:", StringComparison.Ordinal)
                    || target.StartsWith("anon_inode:", StringComparison.Ordinal) || target.StartsWith("/dev/", StringComparison.Ordinal)
                    || target.StartsWith(fixture.CacheDirectory, StringComparison.Ordinal) || target.StartsWith("/proc/", StringComparison.Ordinal)
                    || target.StartsWith("/memfd:doublemapper", StringComparison.Ordinal)
                    || target.Contains("dotnet", StringComparison.Ordinal)))
                .ToArray();
            Assert.IsEmpty(unexpected, $"descriptors that are not the plugin's own: {string.Join(", ", unexpected)} (all: {listing})");
        }
        finally
        {
            _ = Close(fd);
            File.Delete(secret);
        }
    }

    [TestMethod]
    [DataRow(true, DisplayName = "cgroup memory.max")]
    [DataRow(false, DisplayName = "RLIMIT_DATA")]
    public async Task PluginAllocatingPastItsMemoryLimit_IsReportedWithTheLimit(bool cgroups)
    {
        await using var fixture = await MountedAsync(cgroups, memoryLimit: 256L << 20);
        var pid = fixture.PluginProcesses(Plugin).Single();
        if (cgroups && !File.Exists(Path.Combine(CgroupDirectory(pid), "memory.max")))
        {
            Assert.Inconclusive($"plugin cgroups get no memory controller on this machine (cgroup2 controllers: '{File.ReadAllText(Path.Combine(Path.GetDirectoryName(CgroupDirectory(pid))!, "cgroup.controllers")).Trim()}')");
        }

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await fixture.Host.ReadAsync("bad/allocate"));

        string? reason = null;
        await Eventually.TrueAsync(
            async () => (reason = await fixture.Host.Mounts.GetUnavailableReasonAsync(BackendType.Secret, "bad")) is not null,
            "the mount reports why its plugin is gone");
        StringAssert.Contains(reason, "plugin 'adversarial-plugin' exceeded its memory limit of 256 MiB", $"the request's error: {error.Message}");
    }

    [TestMethod]
    [DataRow(true, DisplayName = "cgroup")]
    [DataRow(false, DisplayName = "process tree and marker")]
    public async Task PluginOpeningFilesPastItsLimit_FailsToOpenThem_AndKeepsServing(bool cgroups)
    {
        // A single-file .NET plugin has about a hundred descriptors open once it serves (each assembly of its bundle
        // mapped twice): 256 leaves it room to serve, and not 1000 more.
        await using var fixture = await MountedAsync(cgroups, maxOpenFiles: 256);

        var answer = (await fixture.Host.WriteAsync("bad/open-files", new { count = "1000" }, TestContext.CancellationToken))!.Data!;

        Assert.IsLessThan(256, answer["opened"].GetInt32(), "it could not open 1000 files under a limit of 256 descriptors");
        StringAssert.Contains(answer["error"].GetString(), "Too many open files");
        Assert.IsNotNull(await fixture.Host.ReadAsync("bad/pid"), "the plugin keeps serving");
    }

    // On the fallback path max_processes is RLIMIT_NPROC, counted per user and ignored for root: see docs/security.md.
    [TestMethod]
    public async Task PluginStartingProcessesPastItsLimit_IsRefusedThem_AndKeepsServing_OnTheCgroupPath()
    {
        // pids.max counts threads too: a .NET plugin runs about 20 once it serves.
        await using var fixture = await MountedAsync(cgroups: true, maxProcesses: 64);
        var pid = fixture.PluginProcesses(Plugin).Single();
        if (!File.Exists(Path.Combine(CgroupDirectory(pid), "pids.max")))
        {
            Assert.Inconclusive($"plugin cgroups get no pids controller on this machine (cgroup2 controllers: '{File.ReadAllText(Path.Combine(Path.GetDirectoryName(CgroupDirectory(pid))!, "cgroup.controllers")).Trim()}')");
        }

        var answer = (await fixture.Host.WriteAsync("bad/spawn", new { count = "100" }, TestContext.CancellationToken))!.Data!;

        Assert.IsLessThan(100, answer["started"].GetInt32(), "it could not start 100 processes under a limit of 64");
        Assert.IsNotNull(answer["error"].GetString());
        Assert.IsNotNull(await fixture.Host.ReadAsync("bad/pid"), "the plugin keeps serving");
    }

    private static string CgroupDirectory(int pid)
    {
        var mount = File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(" - ")).Where(p => p.Length == 2 && p[1].StartsWith("cgroup2 ", StringComparison.Ordinal))
            .Select(p => p[0].Split(' ')[4]).First();
        return mount + CgroupOf(pid);
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int fd);
}
