using System.Text.Json;
using PluginHost;
using PluginHost.Sdk;
using PluginHost.Storage;

namespace Company.Plugin.Tests;

/// <summary>
/// Drives <see cref="ItemsBackend"/> through the real plugin protocol, in memory: what the host sends, the plugin
/// answers, and its storage calls go back to the host's storage, as they do when the host runs the published plugin.
/// </summary>
[TestClass]
public sealed class ItemsBackendTests
{
    private PluginHarness _harness = null!;
    private InMemoryStorage _storage = null!;
    private IBackend _backend = null!;

    public TestContext TestContext { get; set; } = null!;

    [TestInitialize]
    public async Task StartAsync()
    {
        _harness = await PluginHarness.StartAsync(() => new ItemsBackend(), cancellationToken: TestContext.CancellationToken);
        _storage = new InMemoryStorage();
        _backend = await _harness.MountAsync(_storage, cancellationToken: TestContext.CancellationToken);
    }

    [TestCleanup]
    public async Task StopAsync() => await _harness.DisposeAsync();

    [TestMethod]
    public async Task AWrittenItem_IsReadBack_WithTheConfiguredDefaultTtl()
    {
        await SendAsync(Operation.Update, "config", """{"default_ttl":"30m"}""");
        await SendAsync(Operation.Create, "items/db", """{"value":"s3cret"}""");

        var read = await SendAsync(Operation.Read, "items/db");

        Assert.AreEqual("s3cret", read!.Data!["value"].GetString());
        Assert.AreEqual(1800, read.Data["ttl"].GetInt64());
        Assert.IsNotNull(await _storage.GetAsync("items/db", TestContext.CancellationToken), "the plugin stores through the host");
    }

    [TestMethod]
    public async Task ItemsAreListed_AndADeletedItemReadsAsNothing()
    {
        await SendAsync(Operation.Create, "items/a", """{"value":"1","ttl":60}""");
        await SendAsync(Operation.Create, "items/b", """{"value":"2"}""");
        await SendAsync(Operation.Delete, "items/a");

        var list = await SendAsync(Operation.List, "items/");

        Assert.AreEqual("""["b"]""", list!.Data!["keys"].GetRawText());
        Assert.IsNull(await SendAsync(Operation.Read, "items/a"));
    }

    [TestMethod]
    public async Task TheExistenceCheck_TellsANewItemFromAChangedOne()
    {
        Assert.IsFalse(await _backend.ExistenceCheckAsync(Request(Operation.Update, "items/x", """{"value":"1"}"""), TestContext.CancellationToken));
        await SendAsync(Operation.Create, "items/x", """{"value":"1"}""");
        Assert.IsTrue(await _backend.ExistenceCheckAsync(Request(Operation.Update, "items/x", """{"value":"2"}"""), TestContext.CancellationToken));
    }

    [TestMethod]
    public async Task BadInput_IsRefusedWithAMessageNamingIt()
    {
        var badTtl = await Assert.ThrowsExactlyAsync<PluginHostException>(() => SendAsync(Operation.Create, "items/x", """{"value":"1","ttl":"soon"}"""));
        var noValue = await Assert.ThrowsExactlyAsync<PluginHostException>(() => SendAsync(Operation.Create, "items/x", "{}"));

        Assert.AreEqual(ErrorCode.BadRequest, badTtl.Code);
        StringAssert.Contains(badTtl.Message, "'ttl'");
        StringAssert.Contains(noValue.Message, "missing required field 'value'");
    }

    [TestMethod]
    public async Task CreatingBeyondMaxItems_IsRefused_ButUpdatesStillWork()
    {
        await SendAsync(Operation.Update, "config", """{"max_items":1}""");
        await SendAsync(Operation.Create, "items/only", """{"value":"1"}""");

        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(() => SendAsync(Operation.Create, "items/more", """{"value":"2"}"""));
        await SendAsync(Operation.Update, "items/only", """{"value":"changed"}""");

        StringAssert.Contains(refused.Message, "at most 1 items");
        Assert.AreEqual("changed", (await SendAsync(Operation.Read, "items/only"))!.Data!["value"].GetString());
    }

    private async Task<BackendResponse?> SendAsync(Operation operation, string path, string? json = null) =>
        await _backend.HandleRequestAsync(Request(operation, path, json), TestContext.CancellationToken);

    private static BackendRequest Request(Operation operation, string path, string? json = null) => new()
    {
        Operation = operation,
        Path = path,
        Data = json is null ? null : JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json),
    };
}
