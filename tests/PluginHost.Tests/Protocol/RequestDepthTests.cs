using System.Text.Json;
using PluginHost.Backends;
using PluginHost.Sdk;
using PluginHost.Storage;

namespace PluginHost.Tests.Protocol;

/// <summary>
/// Request data nested deeper than the plugin can parse inside the request envelope is refused by the host (400) before
/// it is sent; data just within the limit reaches the plugin and back. Either way the plugin keeps serving.
/// </summary>
[TestClass]
public sealed class RequestDepthTests
{
    private static readonly Func<IBackend> MockPlugin = () => new KvBackend(new KvBackendOptions { PathPrefix = "kv/", EchoWrites = true });

    /// <summary>Fields whose <c>value</c> nests <paramref name="levels"/> arrays: the data object nests levels + 1 deep.</summary>
    private static Dictionary<string, JsonElement> Nested(int levels) => new()
    {
        ["value"] = JsonDocument.Parse(new string('[', levels) + new string(']', levels)).RootElement.Clone(),
    };

    private static BackendRequest Write(string path, Dictionary<string, JsonElement> data) =>
        new() { Operation = Operation.Create, Path = path, Data = data, RequestId = Guid.NewGuid().ToString() };

    [TestMethod]
    [DataRow(61)]
    [DataRow(62)]
    [DataRow(63)]
    public async Task DataDeeperThanThePluginParses_IsRefusedWith400_AndThePluginKeepsServing(int levels)
    {
        await using var harness = await PluginHarness.StartAsync(MockPlugin);
        var backend = await harness.MountAsync(new InMemoryStorage());

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(async () => await backend.HandleRequestAsync(Write("kv/deep", Nested(levels)), CancellationToken.None));

        Assert.AreEqual(ErrorCode.BadRequest, error.Code, error.Message);
        StringAssert.Contains(error.Message, $"nests {levels + 1} levels deep");
        var next = await backend.HandleRequestAsync(Write("kv/flat", new() { ["v"] = JsonDocument.Parse("1").RootElement.Clone() }), CancellationToken.None);
        Assert.AreEqual(1, next!.Data!["v"].GetInt32());
    }

    [TestMethod]
    public async Task DataAtTheDepthLimit_ReachesThePluginAndBack()
    {
        await using var harness = await PluginHarness.StartAsync(MockPlugin);
        var backend = await harness.MountAsync(new InMemoryStorage());

        var echoed = await backend.HandleRequestAsync(Write("kv/deep", Nested(59)), CancellationToken.None);
        var read = await backend.HandleRequestAsync(new BackendRequest { Operation = Operation.Read, Path = "kv/deep", RequestId = "r" }, CancellationToken.None);

        Assert.AreEqual(Nested(59)["value"].GetRawText(), echoed!.Data!["value"].GetRawText());
        Assert.AreEqual(Nested(59)["value"].GetRawText(), read!.Data!["value"].GetRawText());
    }
}
