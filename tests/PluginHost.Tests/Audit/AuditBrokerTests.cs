using System.Text.Json;
using Microsoft.Extensions.Logging;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Audit;

/// <summary>The broker's device table: enable, disable, list, persistence and salts, and Vault's errors.</summary>
[TestClass]
public sealed class AuditBrokerTests
{
    [TestMethod]
    public async Task EnableDisableList_ArePersisted_AndANewBrokerRestoresTheDevicesWithTheirSalts()
    {
        await using var kit = new AuditTestKit();
        var first = kit.Broker();
        await first.EnableAsync("file", "file", "team audit", new Dictionary<string, string> { ["file_path"] = kit.PathOf("a.log") }, local: true, CancellationToken.None);
        await first.EnableAsync("team/copy", "file", "", new Dictionary<string, string> { ["path"] = kit.PathOf("b.log"), ["mode"] = "0640" }, local: false, CancellationToken.None);
        await first.EnableAsync("gone", "file", "", new Dictionary<string, string> { ["file_path"] = "discard" }, local: false, CancellationToken.None);
        await first.DisableAsync("gone/", CancellationToken.None);
        var hashes = new[] { await first.HashAsync("file", "s3cret", CancellationToken.None), await first.HashAsync("team/copy", "s3cret", CancellationToken.None) };
        await first.DisposeAsync();

        var second = kit.Broker();
        Assert.IsFalse(second.HasDevices, "nothing before restore");
        await second.RestoreAsync(CancellationToken.None);

        Assert.IsTrue(second.HasDevices);
        var listed = second.List();
        CollectionAssert.AreEqual(new[] { "file/", "team/copy/" }, listed.Select(d => d.Path).ToArray());
        Assert.AreEqual("team audit", listed[0].Description);
        Assert.IsTrue(listed[0].Local);
        Assert.AreEqual(kit.PathOf("b.log"), listed[1].Options["path"], "options are kept as given");
        Assert.AreEqual("0640", listed[1].Options["mode"]);
        Assert.AreEqual(hashes[0], await second.HashAsync("file", "s3cret", CancellationToken.None), "the same salt after a restart");
        Assert.AreEqual(hashes[1], await second.HashAsync("team/copy", "s3cret", CancellationToken.None));

        await second.LogRequestAsync(AuditSamples.KvWrite("after-restart"), CancellationToken.None);
        Assert.AreEqual("after-restart", kit.Lines("a")[^1].GetProperty("request").GetProperty("id").GetString(), "restored devices append to their files");
        Assert.AreEqual(hashes[0], kit.Lines("a")[^1].GetProperty("request").GetProperty("data").GetProperty("password").GetString());
    }

    [TestMethod]
    public async Task StoredTable_IsVaultsCoreAuditKey_WithoutTheSaltInTheListing()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        await kit.EnableFileAsync(broker, "file");

        var stored = await kit.Storage.GetAsync("core/audit");

        using var table = JsonDocument.Parse(stored!.Value);
        Assert.AreEqual("audit", table.RootElement.GetProperty("type").GetString());
        Assert.HasCount(32, table.RootElement.GetProperty("entries")[0].GetProperty("salt").GetBytesFromBase64());
        Assert.IsFalse(broker.List()[0].Options.ContainsKey("salt"));
    }

    [TestMethod]
    public async Task FileDevice_CreatesItsDirectoryAndFile_WithMode0600ByDefault()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        var path = Path.Join(kit.Root, "nested", "dir", "audit.log");

        await broker.EnableAsync("file", "file", "", new Dictionary<string, string> { ["file_path"] = path }, false, CancellationToken.None);
        await broker.EnableAsync("open", "file", "", new Dictionary<string, string> { ["file_path"] = kit.PathOf("open.log"), ["mode"] = "0644" }, false, CancellationToken.None);

        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Unix file modes only.");
        }
        else
        {
            Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(kit.PathOf("open.log")));
        }
    }

    [TestMethod]
    public async Task Mode0000_KeepsTheModeOfAnExistingFile()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        await File.WriteAllTextAsync(kit.PathOf("kept.log"), "");
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Unix file modes only.");
        }
        else
        {
            const UnixFileMode GroupReadable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
            File.SetUnixFileMode(kit.PathOf("kept.log"), GroupReadable);

            await kit.EnableFileAsync(broker, "kept", ("mode", "0000"));

            Assert.AreEqual(GroupReadable, File.GetUnixFileMode(kit.PathOf("kept.log")));
            Assert.HasCount(1, kit.Lines("kept"));
        }
    }

    [TestMethod]
    public async Task StdoutAndDiscard_AreFilePathKeywords_InAnyCase()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();

        await broker.EnableAsync("out", "file", "", new Dictionary<string, string> { ["file_path"] = "STDOUT", ["skip_test"] = "true" }, false, CancellationToken.None);
        await broker.EnableAsync("none", "file", "", new Dictionary<string, string> { ["file_path"] = "Discard" }, false, CancellationToken.None);
        await broker.EnableAsync("none2", "file", "", new Dictionary<string, string> { ["file_path"] = "discard" }, false, CancellationToken.None);
        await broker.LogRequestAsync(AuditSamples.KvWrite(), CancellationToken.None);

        Assert.AreEqual("STDOUT", broker.List().Single(d => d.Path == "out/").Options["file_path"], "listed as given");
        Assert.IsEmpty(Directory.GetFiles(kit.Root), "no file named after a keyword");
    }

    [TestMethod]
    public async Task Enable_IsRefusedInVaultsWords_AndNothingIsStored()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        await kit.EnableFileAsync(broker, "file");
        var file = kit.PathOf("x.log");

        async Task<string> Refused(string path, string type, Dictionary<string, string> options)
        {
            var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => broker.EnableAsync(path, type, "", options, false, CancellationToken.None));
            Assert.AreEqual(ErrorCode.BadRequest, error.Code, error.Message);
            return error.Message;
        }

        StringAssert.StartsWith(await Refused("sock", "socket", new() { ["file_path"] = file }), "unknown backend type: \"socket\"");
        StringAssert.StartsWith(await Refused("out", "stdout", new() { ["file_path"] = file }), "unknown backend type: \"stdout\"");
        Assert.AreEqual("\"file_path\" is required: invalid configuration", await Refused("other", "file", []));
        Assert.AreEqual("path already in use", await Refused("file", "file", new() { ["file_path"] = file }));
        Assert.AreEqual("path already in use", await Refused("file/nested", "file", new() { ["file_path"] = file }), "Vault refuses overlapping paths");
        Assert.AreEqual("backend path must be specified", await Refused("/", "file", new() { ["file_path"] = file }));
        Assert.AreEqual($"\"file_path\" \"{kit.PathOf("file.log")}\" already in use on device: \"file/\"", await Refused("twin", "file", new() { ["file_path"] = kit.PathOf("file.log") }));
        Assert.AreEqual("format \"jsonx\" is not supported by PluginHost: use \"json\"", await Refused("x", "file", new() { ["file_path"] = file, ["format"] = "jsonx" }));
        Assert.AreEqual("unable to parse \"hmac_accessor\": invalid configuration; give true or false", await Refused("x", "file", new() { ["file_path"] = file, ["hmac_accessor"] = "maybe" }));
        StringAssert.Contains(await Refused("x", "file", new() { ["file_path"] = file, ["mode"] = "0755" }), "executable permissions");
        StringAssert.StartsWith(await Refused("x", "file", new() { ["file_path"] = file, ["mode"] = "rw" }), "unable to parse file mode");
        StringAssert.StartsWith(await Refused("x", "file", new() { ["file_path"] = kit.Root }), "audit backend failed test message: cannot open", "a directory is not a log file");

        CollectionAssert.AreEqual(new[] { "file/" }, broker.List().Select(d => d.Path).ToArray());
        Assert.IsFalse(File.Exists(file));
        using var table = JsonDocument.Parse((await kit.Storage.GetAsync("core/audit"))!.Value);
        Assert.AreEqual(1, table.RootElement.GetProperty("entries").GetArrayLength());
    }

    [TestMethod]
    public async Task Disable_OfAnUnknownPath_IsNotAnError_AsInVault()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        await kit.EnableFileAsync(broker, "file");

        await broker.DisableAsync("nothing-here", CancellationToken.None);

        Assert.HasCount(1, broker.List());
    }

    [TestMethod]
    public async Task Hash_OfAnUnknownDeviceOrAnEmptyInput_IsRefusedInVaultsWords()
    {
        await using var kit = new AuditTestKit();
        var broker = kit.Broker();
        await kit.EnableFileAsync(broker, "file");

        var unknown = await Assert.ThrowsExactlyAsync<PluginHostException>(() => broker.HashAsync("nope", "x", CancellationToken.None));
        var empty = await Assert.ThrowsExactlyAsync<PluginHostException>(() => broker.HashAsync("file", "", CancellationToken.None));

        Assert.AreEqual("unknown audit backend \"nope/\"", unknown.Message);
        Assert.AreEqual(ErrorCode.BadRequest, unknown.Code);
        Assert.AreEqual("the \"input\" parameter is empty", empty.Message);
    }

    [TestMethod]
    public async Task Enable_WhenStorageRefusesTheTable_FailsAndEnablesNothing()
    {
        await using var kit = new AuditTestKit();
        var faulty = new FaultyStorage();
        faulty.FailWritesTo("core/audit");
        var broker = kit.Broker(faulty.Storage);

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => kit.EnableFileAsync(broker, "file"));

        Assert.AreEqual(ErrorCode.Internal, error.Code);
        StringAssert.StartsWith(error.Message, "failed to update audit table");
        Assert.IsFalse(broker.HasDevices);
        await broker.LogRequestAsync(AuditSamples.KvWrite(), CancellationToken.None);
    }

    [TestMethod]
    public async Task Restore_OfACorruptTable_FailsNamingTheKey()
    {
        await using var kit = new AuditTestKit();
        await kit.Storage.PutAsync(new StorageEntry("core/audit", "{\"entries\":[{\"path\":\"x\"}]}"u8.ToArray()));

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => kit.Broker().RestoreAsync(CancellationToken.None));

        Assert.AreEqual(ErrorCode.Internal, error.Code);
        StringAssert.Contains(error.Message, "'core/audit'");
    }

    [TestMethod]
    public async Task Restore_OfADeviceWhoseFileCannotBeOpened_KeepsItEnabled_SoRequestsFailClosed()
    {
        await using var kit = new AuditTestKit();
        var blocker = kit.PathOf("blocker");
        await File.WriteAllTextAsync(blocker, "a file where the log's directory should be");
        var first = kit.MemoryBroker();
        await first.EnableAsync("file", "file", "", new Dictionary<string, string> { ["file_path"] = Path.Join(blocker, "audit.log") }, false, CancellationToken.None);
        await first.DisposeAsync();

        var restored = kit.Broker();
        await restored.RestoreAsync(CancellationToken.None);

        Assert.IsTrue(restored.HasDevices);
        await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await restored.LogRequestAsync(AuditSamples.KvWrite(), CancellationToken.None));
        Assert.IsTrue(kit.Logs.Entries.Any(e => e.Level == LogLevel.Warning && e.Message.Contains("file/", StringComparison.Ordinal)));
    }
}
