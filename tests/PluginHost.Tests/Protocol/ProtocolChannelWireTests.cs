using System.Text;
using System.Text.Json;
using Nerdbank.Streams;
using PluginHost.Backends;
using PluginHost.Protocol;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Tests.Protocol;

/// <summary>
/// The bytes <see cref="ProtocolChannel"/> writes, read by hand: what a plugin in another language sees
/// (docs/protocol.md). The formatter resolves types from source-generated metadata only, so these guard what that
/// metadata must cover.
/// </summary>
[TestClass]
public sealed class ProtocolChannelWireTests
{
    [TestMethod]
    public async Task CancellingACall_SendsCancelRequestNamingTheIdAsSent()
    {
        var (ours, theirs) = FullDuplexStream.CreatePair();
        using var rpc = ProtocolChannel.Create(ours, new PluginEndpoint(() => new KvBackend()));
        rpc.StartListening();
        using var cancel = new CancellationTokenSource();

        var call = ProtocolChannel.InvokeAsync<object?>(
            rpc, ProtocolMethods.StorageGet, new InstanceParams { InstanceId = "i", Key = "k" }, "host", "lost", cancel.Token);
        using var request = await ReadMessageAsync(theirs);
        await cancel.CancelAsync();
        using var notification = await ReadMessageAsync(theirs);

        Assert.AreEqual(ProtocolMethods.StorageGet, request.RootElement.GetProperty("method").GetString());
        Assert.AreEqual("""{"instance_id":"i","key":"k"}""", request.RootElement.GetProperty("params").GetRawText());
        Assert.AreEqual("$/cancelRequest", notification.RootElement.GetProperty("method").GetString());
        Assert.AreEqual(
            $$"""{"id":{{request.RootElement.GetProperty("id").GetRawText()}}}""",
            notification.RootElement.GetProperty("params").GetRawText());

        // The call ends when the peer answers the cancelled request, as a plugin must.
        var id = request.RootElement.GetProperty("id").GetRawText();
        await WriteMessageAsync(theirs, $$$"""{"jsonrpc":"2.0","id":{{{id}}},"error":{"code":-32800,"message":"cancelled"}}""");
        await Assert.ThrowsAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [TestMethod]
    public async Task CancelRequestFromThePeer_CancelsTheServedCall()
    {
        var (ours, theirs) = FullDuplexStream.CreatePair();
        var probe = new TestDoubles.ProbeBackend();
        var endpoint = new PluginEndpoint(() => probe);
        using var rpc = ProtocolChannel.Create(ours, endpoint);
        endpoint.Attach(rpc);
        rpc.StartListening();

        await WriteMessageAsync(theirs, """{"jsonrpc":"2.0","id":"s-1","method":"backend.setup","params":{"instance_id":"a","type":"secret","mount_path":"m/","backend_uuid":"u"}}""");
        using var setup = await ReadMessageAsync(theirs);
        Assert.IsTrue(setup.RootElement.TryGetProperty("result", out _), setup.RootElement.GetRawText());

        await WriteMessageAsync(theirs, """{"jsonrpc":"2.0","id":7,"method":"backend.handleRequest","params":{"instance_id":"a","request":{"operation":"read","path":"hold"}}}""");
        await probe.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await WriteMessageAsync(theirs, """{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":7}}""");
        using var answer = await ReadMessageAsync(theirs);

        Assert.AreEqual(7, answer.RootElement.GetProperty("id").GetInt32());
        Assert.AreEqual(-32800, answer.RootElement.GetProperty("error").GetProperty("code").GetInt32(), answer.RootElement.GetRawText());
    }

    [TestMethod]
    [DataRow("AddView")]
    [DataRow("RemoveView")]
    [DataRow("Abandon")]
    [DataRow("Attach")]
    public async Task OnlyProtocolMethodsAreServed_NotTheEndpointsOtherPublicMembers(string method)
    {
        var (ours, theirs) = FullDuplexStream.CreatePair();
        using var rpc = ProtocolChannel.Create(ours, new HostEndpoint("t", [1], "test-host"));
        rpc.StartListening();

        await WriteMessageAsync(theirs, $$"""{"jsonrpc":"2.0","id":1,"method":"{{method}}","params":["x"]}""");
        using var answer = await ReadMessageAsync(theirs);

        Assert.AreEqual(-32601, answer.RootElement.GetProperty("error").GetProperty("code").GetInt32(), answer.RootElement.GetRawText());
    }

    private static async Task WriteMessageAsync(Stream stream, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"));
        await stream.WriteAsync(body);
        await stream.FlushAsync();
    }

    // The in-memory stream does not watch cancellation tokens: the deadline is on the whole read.
    private static Task<JsonDocument> ReadMessageAsync(Stream stream) => ReadMessageCoreAsync(stream).WaitAsync(TimeSpan.FromSeconds(10));

    private static async Task<JsonDocument> ReadMessageCoreAsync(Stream stream)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var header = new StringBuilder();
        var one = new byte[1];
        while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            await stream.ReadExactlyAsync(one, deadline.Token);
            header.Append((char)one[0]);
        }

        var length = int.Parse(header.ToString().Split(':')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, deadline.Token);
        return JsonDocument.Parse(body);
    }
}
