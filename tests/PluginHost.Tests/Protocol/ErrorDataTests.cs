using System.Text.Json;
using Nerdbank.Streams;
using PluginHost.Sdk.Protocol;
using PluginHost.Tests.TestDoubles;

namespace PluginHost.Tests.Protocol;

/// <summary>
/// The errors each end sends carry a code and a message, never the sender's stack traces or exception types
/// (docs/protocol.md, "Errors"); a request whose params cannot be decoded is answered (400), never fatal.
/// </summary>
[TestClass]
public sealed class ErrorDataTests
{
    private static void AssertNoDetails(JsonElement error)
    {
        var text = error.GetRawText();
        Assert.IsFalse(error.TryGetProperty("data", out var data) && data.ValueKind != JsonValueKind.Null, $"error.data is sent: {text}");
        Assert.IsFalse(text.Contains("   at ", StringComparison.Ordinal), $"a stack trace is sent: {text}");
        Assert.IsFalse(text.Contains("Exception", StringComparison.Ordinal), $"an exception type is sent: {text}");
    }

    [TestMethod]
    public async Task HostAnsweringParamsItCannotDecode_SendsNoStackTrace()
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        await using var client = PluginClient.Start(hostEnd, "t");
        await Wire.WriteMessageAsync(pluginEnd, Wire.Hello());
        using var hello = await Wire.ReadMessageAsync(pluginEnd);

        await Wire.WriteMessageAsync(pluginEnd, """{"jsonrpc":"2.0","id":2,"method":"storage.get","params":{"instance_id":5,"key":["k"]}}""");
        using var answer = await Wire.ReadMessageAsync(pluginEnd);

        var error = answer.RootElement.GetProperty("error");
        Assert.AreEqual(400, error.GetProperty("code").GetInt32(), error.GetRawText());
        StringAssert.StartsWith(error.GetProperty("message").GetString(), "could not decode the params of storage.get: ");
        AssertNoDetails(error);
        Assert.IsNull(client.DisconnectReason);
    }

    [TestMethod]
    public async Task PluginAnsweringParamsItCannotDecode_Answers400WithoutAStackTrace_AndKeepsServing()
    {
        var (ours, theirs) = FullDuplexStream.CreatePair();
        var probe = new ProbeBackend();
        var endpoint = new PluginEndpoint(() => probe);
        using var rpc = ProtocolChannel.Create(ours, endpoint);
        endpoint.Attach(rpc);
        rpc.StartListening();
        await Wire.WriteMessageAsync(theirs, """{"jsonrpc":"2.0","id":1,"method":"backend.setup","params":{"instance_id":"a","type":"secret","mount_path":"m/","backend_uuid":"u"}}""");
        using var setup = await Wire.ReadMessageAsync(theirs);

        await Wire.WriteMessageAsync(theirs, """{"jsonrpc":"2.0","id":2,"method":"backend.handleRequest","params":{"instance_id":"a","request":{"operation":7,"path":{}}}}""");
        using var answer = await Wire.ReadMessageAsync(theirs);
        await Wire.WriteMessageAsync(theirs, """{"jsonrpc":"2.0","id":3,"method":"backend.handleRequest","params":{"instance_id":"a","request":{"operation":"read","path":"x"}}}""");
        using var next = await Wire.ReadMessageAsync(theirs);

        var error = answer.RootElement.GetProperty("error");
        Assert.AreEqual(400, error.GetProperty("code").GetInt32(), error.GetRawText());
        StringAssert.StartsWith(error.GetProperty("message").GetString(), "could not decode the params of backend.handleRequest: ");
        AssertNoDetails(error);
        Assert.IsTrue(next.RootElement.TryGetProperty("result", out _), next.RootElement.GetRawText());
    }
}
