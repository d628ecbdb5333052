using PluginHost.Catalog;
using PluginHost.Hosting;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Catalog;

/// <summary>A catalog entry's resource limits: parsed, validated with clear messages, persisted and read back.</summary>
[TestClass]
public sealed class PluginLimitsTests
{
    [TestMethod]
    [DataRow("268435456", 268435456L)]
    [DataRow("256MiB", 268435456L)]
    [DataRow("256 mib", 268435456L)]
    [DataRow("1GiB", 1073741824L)]
    [DataRow("512Ki", 524288L)]
    [DataRow("300MB", 300000000L)]
    public void MemorySizes_AreParsed(string text, long bytes) => Assert.AreEqual(bytes, PluginLimitRules.ParseMemory(text));

    [TestMethod]
    [DataRow("")]
    [DataRow("lots")]
    [DataRow("256 furlongs")]
    [DataRow("-5MiB")]
    [DataRow("99999999999999999999")]
    public void MemorySizes_ThatAreNot_AreRefusedWithTheFormsAccepted(string text)
    {
        var error = Assert.ThrowsExactly<PluginHostException>(() => PluginLimitRules.ParseMemory(text));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        StringAssert.StartsWith(error.Message, $"invalid value for 'memory_limit': \"{text}\"; give a size such as 268435456, 256MiB or 1GiB");
    }

    [TestMethod]
    public async Task Limits_AreRegisteredPersistedAndAnswered_ThroughTheCatalogPath()
    {
        using var plugins = new PluginDirectory();
        var sha256 = plugins.Write("my-plugin", "#!/bin/sh\n");
        await using var test = TestHost.Create(o => o.PluginDirectory = plugins.Location);

        await test.Host.WriteAsync("sys/plugins/catalog/secret/my-plugin", new { sha256, command = "my-plugin", memory_limit = "256MiB", max_processes = 32, max_open_files = "512" });
        var read = await test.Host.ReadAsync("sys/plugins/catalog/secret/my-plugin");
        var entry = await test.Host.Catalog.GetAsync(BackendType.Secret, "my-plugin");

        Assert.AreEqual(268435456L, read!.Data!["memory_limit"].GetInt64());
        Assert.AreEqual(32, read.Data["max_processes"].GetInt32());
        Assert.AreEqual(512, read.Data["max_open_files"].GetInt32());
        Assert.AreEqual((268435456L, 32, 512), (entry!.MemoryLimit, entry.MaxProcesses, entry.MaxOpenFiles), "stored with the entry");
    }

    [TestMethod]
    public async Task Limits_NotSet_AreAnsweredAsNull()
    {
        using var plugins = new PluginDirectory();
        var sha256 = plugins.Write("my-plugin", "#!/bin/sh\n");
        await using var test = TestHost.Create(o => o.PluginDirectory = plugins.Location);

        await test.Host.WriteAsync("sys/plugins/catalog/secret/my-plugin", new { sha256, command = "my-plugin" });
        var read = await test.Host.ReadAsync("sys/plugins/catalog/secret/my-plugin");

        Assert.AreEqual(System.Text.Json.JsonValueKind.Null, read!.Data!["memory_limit"].ValueKind);
        Assert.AreEqual(System.Text.Json.JsonValueKind.Null, read.Data["max_open_files"].ValueKind);
    }

    [TestMethod]
    [DataRow("memory_limit", "1MiB", "memory_limit must be at least 16 MiB (16777216 bytes), not 1048576 bytes")]
    [DataRow("memory_limit", "a lot", "invalid value for 'memory_limit': \"a lot\"; give a size such as 268435456, 256MiB or 1GiB (KiB, MiB, GiB, TiB; KB, MB, GB, TB are powers of 1000)")]
    [DataRow("max_processes", "0", "max_processes must be at least 1, not 0")]
    [DataRow("max_open_files", "3", "max_open_files must be at least 16 (a plugin needs its standard streams, its socket and its runtime's files), not 3")]
    [DataRow("max_open_files", "99999999999", "invalid value for 'max_open_files': 99999999999 is too large")]
    [DataRow("max_open_files", "2000000", "max_open_files must be at most 1048576 (Linux's default fs.nr_open: no process may have more), not 2000000")]
    public async Task Limits_OutOfRange_AreRefusedWith400SayingWhy(string field, string value, string message)
    {
        using var plugins = new PluginDirectory();
        var sha256 = plugins.Write("my-plugin", "#!/bin/sh\n");
        await using var test = TestHost.Create(o => o.PluginDirectory = plugins.Location);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () =>
            await test.Host.WriteAsync("sys/plugins/catalog/secret/my-plugin", new Dictionary<string, object> { ["sha256"] = sha256, ["command"] = "my-plugin", [field] = value }));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code);
        Assert.AreEqual(message, error.Message);
        Assert.IsNull(await test.Host.Catalog.GetAsync(BackendType.Secret, "my-plugin"), "nothing was registered");
    }

    [TestMethod]
    public void HostDefaults_OutOfRange_AreRefusedByTheOptionsValidator()
    {
        var result = new PluginHost.PluginHostOptionsValidator().Validate(null, new PluginHost.PluginHostOptions { PluginMemoryLimit = 1024, PluginMaxOpenFiles = 8 });

        Assert.IsTrue(result.Failed);
        StringAssert.Contains(result.FailureMessage, "PluginHostOptions.PluginMemoryLimit must be at least 16 MiB (16777216 bytes), not 1024 bytes");
    }
}
