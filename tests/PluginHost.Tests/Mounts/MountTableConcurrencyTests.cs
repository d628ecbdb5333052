using PluginHost.Hosting;
using PluginHost.Mounts;
using PluginHost.Storage;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Mounts;

[TestClass]
public sealed class MountTableConcurrencyTests
{
    [TestMethod]
    public async Task ParallelEnableDisableAndRequests_NeverCorruptTheTable()
    {
        var storage = new InMemoryStorage();
        IReadOnlyList<MountEntry> finalMounts;
        await using (var test = TestHost.Create(o => o.StorageFactory = _ => storage))
        {
            var paths = new[] { "a", "b", "c", "d" };
            var unexpected = new List<Exception>();
            var workers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; i < 25; i++)
                {
                    var path = paths[(worker + i) % paths.Length];
                    try
                    {
                        switch ((worker + i) % 3)
                        {
                            case 0:
                                await test.Host.Mounts.EnableAsync(new MountRequest { Type = BackendType.Secret, Plugin = "kv", Path = path });
                                break;
                            case 1:
                                await test.Host.Mounts.DisableAsync(BackendType.Secret, path);
                                break;
                            default:
                                await test.Host.WriteAsync($"{path}/k{worker}", new { i });
                                await test.Host.ReadAsync($"{path}/k{worker}");
                                break;
                        }
                    }
                    catch (PluginHostException e) when (
                        e.Code is ErrorCode.NotFound or ErrorCode.Unavailable
                        || e.Message.StartsWith("path is already in use at", StringComparison.Ordinal))
                    {
                        // Expected races: the mount was just disabled, is draining, or was enabled by another worker.
                    }
                    catch (Exception e)
                    {
                        lock (unexpected)
                        {
                            unexpected.Add(e);
                        }
                    }
                }
            })).ToArray();
            await Task.WhenAll(workers);

            Assert.IsEmpty(unexpected, string.Join(Environment.NewLine, unexpected));
            finalMounts = await test.Host.Mounts.ListAsync();
            foreach (var mount in finalMounts)
            {
                await test.Host.WriteAsync($"{mount.Path}check", new { ok = true });
                Assert.IsNotNull(await test.Host.ReadAsync($"{mount.Path}check"), $"mount {mount.Path} routes to a live backend");
            }
        }

        await using var restored = TestHost.Create(o => o.StorageFactory = _ => storage);
        CollectionAssert.AreEqual(finalMounts.ToArray(), (await restored.Host.Mounts.ListAsync()).ToArray(), "the persisted table equals the table in memory");
    }
}
