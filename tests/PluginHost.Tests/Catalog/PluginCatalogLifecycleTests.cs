using System.Text;
using System.Text.Json;
using Moq;
using PluginHost.Catalog;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Catalog;

[TestClass]
public sealed class PluginCatalogLifecycleTests : CatalogTestBase
{
    [TestMethod]
    public async Task Deregister_MissingEntry_SucceedsSilently()
    {
        var catalog = CreateCatalog();
        var events = 0;
        catalog.Changed += (_, _) => events++;

        await catalog.DeregisterAsync(BackendType.Secret, "never-registered");
        await catalog.DeregisterAsync(BackendType.Secret, "never-registered", "1.0.0");

        Assert.AreEqual(0, events);
    }

    [TestMethod]
    public async Task Deregister_Builtin_IsRefused()
    {
        var catalog = CreateCatalog(Builtin("kv", version: "v0.1.0+builtin"));

        var unversioned = await Assert.ThrowsExactlyAsync<PluginHostException>(() => catalog.DeregisterAsync(BackendType.Secret, "kv"));
        var versioned = await Assert.ThrowsExactlyAsync<PluginHostException>(() =>
            catalog.DeregisterAsync(BackendType.Secret, "kv", "v0.1.0+builtin"));

        Assert.AreEqual(ErrorCode.BadRequest, unversioned.Code);
        StringAssert.StartsWith(unversioned.Message, "cannot deregister builtin plugin: kv");
        StringAssert.Contains(versioned.Message, "version \"v0.1.0+builtin\" cannot be deleted");
        Assert.IsTrue((await catalog.GetAsync(BackendType.Secret, "kv"))?.Builtin);
    }

    [TestMethod]
    public async Task Deregister_ShadowingEntry_RemovesOnlyTheExternalOne()
    {
        var catalog = CreateCatalog(Builtin("kv"));
        await catalog.RegisterAsync(Binary(name: "kv"));

        await catalog.DeregisterAsync(BackendType.Secret, "kv");

        Assert.IsTrue((await catalog.GetAsync(BackendType.Secret, "kv"))?.Builtin);
    }

    [TestMethod]
    public async Task Deregister_OneVersion_KeepsTheOthers()
    {
        var catalog = CreateCatalog();
        var registration = Binary();
        await catalog.RegisterAsync(registration with { Version = "1.0.0" });
        await catalog.RegisterAsync(registration with { Version = "2.0.0" });

        await catalog.DeregisterAsync(BackendType.Secret, "my-mock-plugin", "2.0.0");

        Assert.AreEqual("v1.0.0", (await catalog.ListAsync()).Single().Version);
    }

    [TestMethod]
    public async Task Deregister_LastVersion_DeletesTheStorageDocument()
    {
        var catalog = CreateCatalog();
        await catalog.RegisterAsync(Binary());

        await catalog.DeregisterAsync(BackendType.Secret, "my-mock-plugin");

        Assert.HasCount(0, await Storage.AllKeysAsync());
    }

    [TestMethod]
    public async Task Persistence_NewCatalogOnSameStorage_SeesTheEntries()
    {
        var registration = Binary(version: "1.2.3") with
        {
            Args = ["-x"],
            Env = new Dictionary<string, string> { ["A"] = "b" },
        };
        await CreateCatalog().RegisterAsync(registration);

        var reloaded = await CreateCatalog().GetAsync(BackendType.Secret, "my-mock-plugin");

        CollectionAssert.AreEqual(new[] { "core/plugin-catalog/secret/my-mock-plugin" }, (await Storage.AllKeysAsync()).ToArray());
        Assert.IsNotNull(reloaded);
        Assert.AreEqual("v1.2.3", reloaded.Version);
        Assert.AreEqual(registration.Sha256, reloaded.Sha256);
        Assert.AreEqual("mock-plugin", reloaded.Command);
        CollectionAssert.AreEqual(new[] { "-x" }, reloaded.Args.ToArray());
        Assert.AreEqual("b", reloaded.Env["A"]);
    }

    [TestMethod]
    public async Task Persistence_StoredDocument_IsSnakeCaseJsonWithAllVersions()
    {
        var catalog = CreateCatalog();
        var registration = Binary();
        await catalog.RegisterAsync(registration with { Version = "1.0.0" });
        await catalog.RegisterAsync(registration);

        var stored = await Storage.GetAsync("core/plugin-catalog/secret/my-mock-plugin");
        var json = Encoding.UTF8.GetString(stored!.Value);

        StringAssert.StartsWith(json, "{\"versions\":[");
        StringAssert.Contains(json, "\"type\":\"secret\"");
        StringAssert.Contains(json, $"\"sha256\":\"{registration.Sha256}\"");
        StringAssert.Contains(json, "\"version\":\"v1.0.0\"");
        StringAssert.Contains(json, "\"version\":null");
    }

    [TestMethod]
    public async Task Register_StoragePutFails_SurfacesErrorAndLeavesCatalogUnchanged()
    {
        var catalog = CreateCatalog(FailingPuts());
        var registration = Binary();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => catalog.RegisterAsync(registration));

        Assert.AreEqual(ErrorCode.Internal, error.Code);
        StringAssert.Contains(error.Message, "failed to persist plugin entry");
        StringAssert.Contains(error.Message, "disk full");
        Assert.IsInstanceOfType<IOException>(error.InnerException);
        Assert.HasCount(0, await catalog.ListAsync());
        Assert.HasCount(0, await Storage.AllKeysAsync());
    }

    [TestMethod]
    public async Task Register_StoragePutFailsOnUpgrade_KeepsThePreviousEntry()
    {
        var old = await CreateCatalog().RegisterAsync(Binary(content: "old"));
        var catalog = CreateCatalog(FailingPuts());
        var events = 0;
        catalog.Changed += (_, _) => events++;

        await Assert.ThrowsExactlyAsync<PluginHostException>(() => catalog.RegisterAsync(Binary(content: "new")));

        Assert.AreEqual(old.Sha256, (await catalog.GetAsync(BackendType.Secret, "my-mock-plugin"))?.Sha256);
        Assert.AreEqual(0, events);
    }

    [TestMethod]
    public async Task Changed_IsRaisedAfterRegisterAndDeregister()
    {
        var catalog = CreateCatalog();
        var events = new List<CatalogChangedEventArgs>();
        catalog.Changed += (sender, e) =>
        {
            Assert.AreSame(catalog, sender);
            events.Add(e);
        };

        await catalog.RegisterAsync(Binary(version: "1.0.0", type: BackendType.Auth));
        await catalog.DeregisterAsync(BackendType.Auth, "my-mock-plugin", "1.0.0");

        Assert.HasCount(2, events);
        Assert.AreEqual((BackendType.Auth, "my-mock-plugin", "v1.0.0", CatalogChangeKind.Registered), (events[0].Type, events[0].Name, events[0].Version, events[0].Kind));
        Assert.AreEqual((BackendType.Auth, "my-mock-plugin", "v1.0.0", CatalogChangeKind.Deregistered), (events[1].Type, events[1].Name, events[1].Version, events[1].Kind));
    }

    [TestMethod]
    public async Task Changed_ThrowingHandler_DoesNotFailTheChangeOrOtherHandlers()
    {
        var catalog = CreateCatalog();
        var reached = false;
        catalog.Changed += (_, _) => throw new InvalidOperationException("listener bug");
        catalog.Changed += (_, _) => reached = true;

        var entry = await catalog.RegisterAsync(Binary());

        Assert.IsTrue(reached);
        Assert.IsNotNull(await catalog.GetAsync(entry.Type, entry.Name));
    }

    [TestMethod]
    public async Task VerifyChecksum_UnchangedFile_ReturnsResolvedPath()
    {
        var catalog = CreateCatalog();
        var entry = await catalog.RegisterAsync(Binary());

        var path = await catalog.VerifyChecksumAsync(entry);

        Assert.AreEqual(PluginCommandResolver.RealPath(Path.Combine(Plugins.Location, "mock-plugin")), path);
    }

    [TestMethod]
    public async Task VerifyChecksum_FileSwappedAfterRegistration_IsRefused()
    {
        var catalog = CreateCatalog();
        var entry = await catalog.RegisterAsync(Binary());
        var swapped = Plugins.Write("mock-plugin", "#!/bin/sh\nsteal-secrets\n");

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => catalog.VerifyChecksumAsync(entry));

        StringAssert.Contains(error.Message, "checksums did not match");
        StringAssert.Contains(error.Message, entry.Sha256);
        StringAssert.Contains(error.Message, swapped);
    }

    [TestMethod]
    public async Task VerifyChecksum_FileRemoved_IsRefused()
    {
        var catalog = CreateCatalog();
        var entry = await catalog.RegisterAsync(Binary());
        File.Delete(Path.Combine(Plugins.Location, "mock-plugin"));

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => catalog.VerifyChecksumAsync(entry));

        StringAssert.Contains(error.Message, "not found in the plugin directory");
    }

    [TestMethod]
    public async Task VerifyChecksum_Builtin_IsRefused()
    {
        var catalog = CreateCatalog(Builtin("kv"));
        var entry = await catalog.GetAsync(BackendType.Secret, "kv");

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => catalog.VerifyChecksumAsync(entry!));

        StringAssert.Contains(error.Message, "is builtin");
    }

    [TestMethod]
    public async Task Persistence_CorruptDocument_IsReportedWithItsKey()
    {
        await Storage.PutAsync(new StorageEntry("core/plugin-catalog/secret/broken", "{not json"u8.ToArray()));

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => CreateCatalog().GetAsync(BackendType.Secret, "broken"));

        Assert.AreEqual(ErrorCode.Internal, error.Code);
        StringAssert.Contains(error.Message, "'core/plugin-catalog/secret/broken' is corrupt");
    }

    [TestMethod]
    public async Task CatalogEntry_RoundTripsThroughWebJson()
    {
        var entry = await CreateCatalog().RegisterAsync(Binary(version: "1.0.0") with { Args = ["-v"] });

        var json = JsonSerializer.Serialize(entry, JsonSerializerOptions.Web);
        var back = JsonSerializer.Deserialize<CatalogEntry>(json, JsonSerializerOptions.Web);

        StringAssert.Contains(json, "\"type\":\"secret\"");
        Assert.IsNotNull(back);
        Assert.AreEqual((entry.Type, entry.Name, entry.Version, entry.Command, entry.Sha256, entry.Builtin), (back.Type, back.Name, back.Version, back.Command, back.Sha256, back.Builtin));
        CollectionAssert.AreEqual(entry.Args.ToArray(), back.Args.ToArray());
        Assert.HasCount(0, back.Env);
    }

    private IStorage FailingPuts()
    {
        var storage = new Mock<IStorage>(MockBehavior.Strict);
        storage.Setup(s => s.GetAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string key, CancellationToken ct) => Storage.GetAsync(key, ct));
        storage.Setup(s => s.ListAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string prefix, CancellationToken ct) => Storage.ListAsync(prefix, ct));
        storage.Setup(s => s.PutAsync(It.IsAny<StorageEntry>(), It.IsAny<CancellationToken>()))
            .Returns(() => ValueTask.FromException(new IOException("disk full")));
        return storage.Object;
    }
}
