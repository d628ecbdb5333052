using System.Text.Json.Nodes;
using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Storage;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.IntegrationTests;

/// <summary>
/// Issue 13, with real plugin processes and files: an entry stored with a refused env variable before the rule
/// existed is never launched (and the host still starts), a FIFO at the command path fails a launch at once, and the
/// binary cache forgets copies no catalog entry references.
/// </summary>
[TestClass]
public sealed class CatalogContainmentTests
{
    private const string Plugin = "my-mock-plugin";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static readonly DateTime LongAgo = DateTime.UtcNow.AddHours(-1);

    [TestMethod]
    public async Task StoredEntryWithLdPreload_HostStillRestores_MountAnswersUnavailableNamingTheVariable()
    {
        var storage = new InMemoryStorage();
        await using (var first = new PluginFixture(o => o.StorageFactory = _ => storage))
        {
            await first.Host.Catalog.RegisterAsync(first.Registration(Plugin, BackendType.Secret));
            await first.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = Plugin, Path = "m" });
        }

        // What a catalog written before the rule holds: the same entry with LD_PRELOAD in its env.
        var key = $"core/plugin-catalog/secret/{Plugin}";
        var document = JsonNode.Parse((await storage.GetAsync(key))!.Value)!;
        document["versions"]![0]!["env"] = new JsonObject { ["LD_PRELOAD"] = "/nonexistent/evil.so" };
        await storage.PutAsync(new StorageEntry(key, System.Text.Encoding.UTF8.GetBytes(document.ToJsonString())));

        await using var second = new PluginFixture(o => o.StorageFactory = _ => storage);
        await second.Host.Mounts.EnsureRestoredAsync();
        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => second.Host.ReadAsync("m/kv/k").AsTask());

        Assert.AreEqual(ErrorCode.Unavailable, error.Code);
        StringAssert.Contains(error.Message, $"plugin '{Plugin}' will not be started: its catalog entry sets env variable 'LD_PRELOAD' is not allowed: it makes the dynamic loader run code from outside the plugin binary");
        StringAssert.Contains(error.Message, "register it again without it");
        Assert.IsEmpty(second.PluginProcesses(), "nothing was launched");
    }

    [TestMethod]
    public async Task FifoAtTheCommandPathAtLaunch_FailsTheMountPromptly_NamingTheFileType()
    {
        await using var fixture = new PluginFixture();
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration(Plugin, BackendType.Secret));
        var command = Path.Combine(fixture.PluginDirectory, Plugin);
        File.Delete(command);
        MakeFifo(command);
        try
        {
            var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
                Task.Run(() => fixture.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = Plugin, Path = "m" })).WaitAsync(Deadline));

            StringAssert.Contains(error.Message, $"command '{Plugin}' is not a regular file: a FIFO");
        }
        finally
        {
            ReleaseReaders(command);
        }
    }

    [TestMethod]
    public async Task Deregister_DeletesTheCachedCopyNoEntryReferences()
    {
        await using var fixture = new PluginFixture();
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration(Plugin, BackendType.Secret));
        await fixture.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = Plugin, Path = "m" });
        var copy = CachedCopy(fixture, Plugin);
        Assert.IsTrue(File.Exists(copy), "the launch made the copy");
        File.SetLastWriteTimeUtc(copy, LongAgo);

        await fixture.Host.Catalog.DeregisterAsync(BackendType.Secret, Plugin);

        await PollAsync(() => !File.Exists(copy), "the copy of a deregistered plugin is deleted");
    }

    [TestMethod]
    public async Task ReRegisterWithAnotherBinary_DeletesTheOldCopy_KeepsCopiesOthersReference()
    {
        await using var fixture = new PluginFixture();
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration(Plugin, BackendType.Secret));
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration("my-userpass-plugin", BackendType.Auth));
        await fixture.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = Plugin, Path = "m" });
        await fixture.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Auth, Plugin = "my-userpass-plugin", Path = "up" });
        var oldCopy = CachedCopy(fixture, Plugin);
        var userpassCopy = CachedCopy(fixture, "my-userpass-plugin");
        File.SetLastWriteTimeUtc(oldCopy, LongAgo);
        File.SetLastWriteTimeUtc(userpassCopy, LongAgo);

        // The same name and version, now pinned to another binary (the userpass one, copied under a new command).
        File.Copy(Path.Combine(fixture.PluginDirectory, "my-userpass-plugin"), Path.Combine(fixture.PluginDirectory, "mock-v2"));
        await fixture.Host.Catalog.RegisterAsync(fixture.Registration(Plugin, BackendType.Secret) with
        {
            Command = "mock-v2",
            Sha256 = PublishedPlugins.Sha256Of(Path.Combine(fixture.PluginDirectory, "mock-v2")),
        });

        await PollAsync(() => !File.Exists(oldCopy), "the copy of the replaced binary is deleted");
        Assert.IsTrue(File.Exists(userpassCopy), "a copy another entry references is kept");
    }

    [TestMethod]
    public async Task Start_DeletesStaleUnreferencedCopies_KeepsReferencedFreshAndForeignFiles()
    {
        var storage = new InMemoryStorage();
        string mockSha;
        await using (var first = new PluginFixture(o => o.StorageFactory = _ => storage))
        {
            mockSha = (await first.Host.Catalog.RegisterAsync(first.Registration(Plugin, BackendType.Secret))).Sha256;
        }

        var cache = Directory.CreateTempSubdirectory("pluginhost-it-cache-").FullName;
        try
        {
            var stale = Write(cache, new string('b', 64), LongAgo);
            var staleTemporary = Write(cache, $".{new string('b', 64)}.{Guid.NewGuid():N}.tmp", LongAgo);
            var fresh = Write(cache, new string('c', 64), DateTime.UtcNow);
            var referenced = Write(cache, mockSha, LongAgo);
            var foreign = Write(cache, "notes.txt", LongAgo);

            await using var second = new PluginFixture(o =>
            {
                o.StorageFactory = _ => storage;
                o.PluginCacheDirectory = cache;
            });

            await PollAsync(() => !File.Exists(stale) && !File.Exists(staleTemporary), "stale copies no entry references are deleted at start");
            await PollAsync(() => second.Logs.Entries.Any(e => e.Message.StartsWith("Pruned the plugin binary cache", StringComparison.Ordinal)), "the prune finished");
            Assert.IsTrue(File.Exists(fresh), "a copy written in the last minute may be about to run: kept");
            Assert.IsTrue(File.Exists(referenced), "the registered binary's copy is kept");
            Assert.IsTrue(File.Exists(foreign), "files the cache did not name are left alone");
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    private static string CachedCopy(PluginFixture fixture, string command) =>
        Path.Combine(fixture.CacheDirectory, PublishedPlugins.Sha256Of(Path.Combine(fixture.PluginDirectory, command)));

    private static string Write(string directory, string name, DateTime lastWrite)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, "x");
        File.SetLastWriteTimeUtc(path, lastWrite);
        return path;
    }

    private static Task PollAsync(Func<bool> condition, string what) =>
        Eventually.TrueAsync(() => Task.FromResult(condition()), what, Deadline);

    private static void MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.AreEqual(0, mkfifo.ExitCode, $"mkfifo {path}");
    }

    // Releases a reader stuck in open(2) on the FIFO (the bug guarded against), so the test run can end.
    private static void ReleaseReaders(string fifo)
    {
        using var handle = File.OpenHandle(fifo, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
    }
}
