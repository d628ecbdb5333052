using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using PluginHost.Catalog;
using PluginHost.Runtime;
using PluginHost.Tests.Catalog;

namespace PluginHost.Tests.Runtime;

/// <summary>The binary cache's own housekeeping (issue 13): its temporary folder goes with the host, a failing prune does not.</summary>
[TestClass]
public sealed class PluginBinaryCacheTests
{
    [TestMethod]
    public async Task TemporaryCache_IsDeleted_WhenTheServiceProviderIsDisposed()
    {
        using var directory = new PluginDirectory();
        var sha256 = directory.Write("plugin", "#!/bin/sh\nexit 0\n");
        var services = new ServiceCollection();

        // No data directory and no cache directory: what server -dev runs with.
        services.AddPluginHost(o => o.PluginDirectory = directory.Location);
        var provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<PluginHost.Hosting.HostSeal>().Core.Binaries;
        var copy = await cache.PrepareAsync(
            new CatalogEntry { Type = BackendType.Secret, Name = "p", Command = "plugin", Sha256 = sha256 }, CancellationToken.None);
        var folder = Path.GetDirectoryName(copy)!;
        StringAssert.StartsWith(Path.GetFileName(folder), "pluginhost-cache-");
        Assert.IsTrue(File.Exists(copy));

        await provider.DisposeAsync();

        Assert.IsFalse(Directory.Exists(folder), "the temporary cache is deleted with the host");
    }

    [TestMethod]
    public async Task Prune_WhenTheCatalogCannotBeRead_Throws_AndTheScheduledPruneOnlyLogs()
    {
        using var directory = new PluginDirectory();
        var cacheDirectory = Directory.CreateDirectory(Path.Combine(directory.Root, "cache")).FullName;
        var storage = new Mock<IStorage>();
        storage.Setup(s => s.ListAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ThrowsAsync(new IOException("disk gone"));
        var options = new TestOptionsMonitor(new PluginHostOptions { PluginDirectory = directory.Location, PluginCacheDirectory = cacheDirectory });
        var catalog = new PluginCatalog(storage.Object, options, [], NullLogger<PluginCatalog>.Instance);
        var logs = new TestDoubles.CapturedLogs();

        // The constructor schedules a prune at start: it must fail quietly (logged), not crash the host.
        using var cache = new PluginBinaryCache(options, catalog, TimeProvider.System, new Microsoft.Extensions.Logging.Logger<PluginBinaryCache>(new SingleProviderFactory(logs)));
        await TestDoubles.Eventually.TrueAsync(
            () => Task.FromResult(logs.Entries.Any(e => e.Message.StartsWith("Pruning the plugin binary cache failed", StringComparison.Ordinal))),
            "the failed prune is logged");

        await Assert.ThrowsExactlyAsync<IOException>(() => cache.PruneAsync(CancellationToken.None));
    }

    private sealed class SingleProviderFactory(Microsoft.Extensions.Logging.ILoggerProvider provider) : Microsoft.Extensions.Logging.ILoggerFactory
    {
        public void AddProvider(Microsoft.Extensions.Logging.ILoggerProvider provider)
        {
        }

        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => provider.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }
}
