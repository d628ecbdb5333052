using Nerdbank.Streams;
using PluginHost.Protocol;
using PluginHost.Sdk.Protocol;
using PluginHost.Storage;
using StreamJsonRpc;

namespace PluginHost.Tests.Protocol;

/// <summary>The host's end against a plugin written without the SDK: raw JSON-RPC with the documented framing.</summary>
[TestClass]
public sealed class HostEndpointTests
{
    private static JsonRpc RawPlugin(Stream stream)
    {
        var rpc = new JsonRpc(new HeaderDelimitedMessageHandler(stream, new SystemTextJsonFormatter()));
        rpc.StartListening();
        return rpc;
    }

    [TestMethod]
    public async Task Hello_WithWrongToken_IsRefusedAndTheHostSaysWhy()
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        await using var client = PluginClient.Start(hostEnd, "right-token");
        using var plugin = RawPlugin(pluginEnd);

        var refused = await Assert.ThrowsExactlyAsync<RemoteInvocationException>(() => plugin.InvokeWithParameterObjectAsync<HelloResult>(
            ProtocolMethods.Hello, new HelloParams { Token = "wrong-token", ProtocolVersions = [1] }));

        Assert.AreEqual(403, refused.ErrorCode);
        var reason = await Assert.ThrowsExactlyAsync<PluginHostException>(() => client.Hello);
        StringAssert.Contains(reason.Message, "wrong token");
    }

    [TestMethod]
    public async Task Hello_WithNoCommonVersion_IsRefusedNamingBothSides()
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        await using var client = PluginClient.Start(hostEnd, "t");
        using var plugin = RawPlugin(pluginEnd);

        await Assert.ThrowsExactlyAsync<RemoteInvocationException>(() => plugin.InvokeWithParameterObjectAsync<HelloResult>(
            ProtocolMethods.Hello, new HelloParams { Token = "t", ProtocolVersions = [7, 9] }));

        var reason = await Assert.ThrowsExactlyAsync<PluginHostException>(() => client.Hello);
        Assert.AreEqual("no common protocol version: the host speaks 1, the plugin speaks 7, 9", reason.Message);
    }

    [TestMethod]
    public async Task Hello_WithoutAToken_IsRefusedAtOnce_NotLeftToTheStartTimeout()
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        await using var client = PluginClient.Start(hostEnd, "right-token");
        using var plugin = RawPlugin(pluginEnd);

        var refused = await Assert.ThrowsExactlyAsync<RemoteInvocationException>(() => plugin.InvokeWithParameterObjectAsync<HelloResult>(
            ProtocolMethods.Hello, new { protocol_versions = new[] { 1 } }));

        Assert.AreEqual(403, refused.ErrorCode);
        var reason = await Assert.ThrowsExactlyAsync<PluginHostException>(() => client.Hello);
        StringAssert.Contains(reason.Message, "wrong token");
    }

    [TestMethod]
    public async Task Hello_WithoutProtocolVersions_IsRefusedSayingWhatIsMissing()
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        await using var client = PluginClient.Start(hostEnd, "t");
        using var plugin = RawPlugin(pluginEnd);

        var refused = await Assert.ThrowsExactlyAsync<RemoteInvocationException>(() => plugin.InvokeWithParameterObjectAsync<HelloResult>(
            ProtocolMethods.Hello, new { token = "t" }));

        Assert.AreEqual(400, refused.ErrorCode);
        var reason = await Assert.ThrowsExactlyAsync<PluginHostException>(() => client.Hello);
        Assert.AreEqual("no common protocol version: the host speaks 1, the plugin speaks none (give 'protocol_versions')", reason.Message);
    }

    [TestMethod]
    public async Task Storage_WithoutAnInstanceId_IsRefusedNamingTheField()
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        await using var client = PluginClient.Start(hostEnd, "t");
        using var plugin = RawPlugin(pluginEnd);
        await plugin.InvokeWithParameterObjectAsync<HelloResult>(ProtocolMethods.Hello, new HelloParams { Token = "t", ProtocolVersions = [1] });

        var refused = await Assert.ThrowsExactlyAsync<RemoteInvocationException>(() => plugin.InvokeWithParameterObjectAsync<StorageEntry?>(
            ProtocolMethods.StorageGet, new { key = "x" }));

        Assert.AreEqual(400, refused.ErrorCode);
        StringAssert.StartsWith(refused.Message, "storage calls need an 'instance_id'");
    }

    [TestMethod]
    public async Task Hello_PicksTheHighestCommonVersion()
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        await using var client = PluginClient.Start(hostEnd, "t");
        using var plugin = RawPlugin(pluginEnd);

        var answer = await plugin.InvokeWithParameterObjectAsync<HelloResult>(ProtocolMethods.Hello, new HelloParams { Token = "t", ProtocolVersions = [1, 2] });

        Assert.AreEqual(1, answer.ProtocolVersion);
        Assert.AreEqual(1, client.ProtocolVersion);
    }

    [TestMethod]
    public async Task Storage_BeforeHelloOrForAnotherInstance_IsForbidden()
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        await using var client = PluginClient.Start(hostEnd, "t");
        using var plugin = RawPlugin(pluginEnd);
        var storage = new InMemoryStorage();
        await storage.PutAsync(new StorageEntry("logical/other-mount/secret", [1, 2, 3]));

        var early = await Assert.ThrowsExactlyAsync<RemoteInvocationException>(() => plugin.InvokeWithParameterObjectAsync<StorageEntry?>(
            ProtocolMethods.StorageGet, new InstanceParams { InstanceId = "i1", Key = "x" }));
        Assert.AreEqual(403, early.ErrorCode);

        await plugin.InvokeWithParameterObjectAsync<HelloResult>(ProtocolMethods.Hello, new HelloParams { Token = "t", ProtocolVersions = [1] });
        var foreign = await Assert.ThrowsExactlyAsync<RemoteInvocationException>(() => plugin.InvokeWithParameterObjectAsync<StorageEntry?>(
            ProtocolMethods.StorageGet, new InstanceParams { InstanceId = "other-mount", Key = "secret" }));
        Assert.AreEqual(403, foreign.ErrorCode);
        StringAssert.Contains(foreign.Message, "is not set up on this connection");
    }

    [TestMethod]
    public async Task Storage_KeyEscapingTheView_IsRefusedAndValidKeysStayInsideIt()
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        await using var client = PluginClient.Start(hostEnd, "t");
        using var plugin = new JsonRpc(new HeaderDelimitedMessageHandler(pluginEnd, new SystemTextJsonFormatter()));
        plugin.AddLocalRpcTarget(new RawSetupTarget());
        plugin.StartListening();
        await plugin.InvokeWithParameterObjectAsync<HelloResult>(ProtocolMethods.Hello, new HelloParams { Token = "t", ProtocolVersions = [1] });
        var inner = new InMemoryStorage();
        await inner.PutAsync(new StorageEntry("logical/other/secret", [9]));
        var backend = client.CreateBackend("i1", BackendType.Secret, "raw");
        await backend.SetupAsync(new BackendConfig { Storage = new StorageView(inner, "logical/i1/"), MountPath = "raw/", BackendUuid = "i1", Type = BackendType.Secret }, CancellationToken.None);

        var escape = await Assert.ThrowsExactlyAsync<RemoteInvocationException>(() => plugin.InvokeWithParameterObjectAsync<StorageEntry?>(
            ProtocolMethods.StorageGet, new InstanceParams { InstanceId = "i1", Key = "../other/secret" }));
        await plugin.InvokeWithParameterObjectAsync<object?>(ProtocolMethods.StoragePut, new InstanceParams { InstanceId = "i1", Key = "mine", Value = [1] });

        Assert.AreEqual(400, escape.ErrorCode);
        StringAssert.Contains(escape.Message, "'..' segment");
        Assert.IsNotNull(await inner.GetAsync("logical/i1/mine"), "a valid key lands inside the instance's view");
    }

    [TestMethod]
    public async Task OversizedMessage_DropsTheConnectionSayingWhy()
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        await using var client = PluginClient.Start(hostEnd, "t", maxMessageBytes: 4096);

        // A header announcing 1 GiB: the host must refuse before reading (or buffering) the body.
        await pluginEnd.WriteAsync("Content-Length: 1073741824\r\n\r\n{"u8.ToArray());
        await pluginEnd.FlushAsync();

        await client.Completion.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.AreEqual("the peer sent a message of 1073741824 bytes; the limit is 4096 bytes, so the connection is dropped", client.DisconnectReason);
        await Assert.ThrowsExactlyAsync<PluginHostException>(() => client.Hello);
    }

    [TestMethod]
    [DataRow(
        "GET / HTTP/1.1\r\nHost: pluginhost\r\n\r\n",
        "the peer sent a message header without a valid Content-Length; the connection is dropped")]
    [DataRow(
        "Content-Length: 24\r\n\r\n{this is not JSON at all",
        "the peer sent a message that is not valid JSON-RPC ('t' is an invalid start of a property name. Expected a '\"'. LineNumber: 0 | BytePositionInLine: 1.); the connection is dropped")]
    [DataRow(
        "Content-Length: 7\r\n\r\n[1,2,3]",
        "the peer sent a message that is not valid JSON-RPC (Expected a JSON object at the root of the message.); the connection is dropped")]
    public async Task GarbageInsteadOfAHello_DropsTheConnectionSayingWhy(string garbage, string reason)
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        await using var client = PluginClient.Start(hostEnd, "t");

        await pluginEnd.WriteAsync(System.Text.Encoding.ASCII.GetBytes(garbage));
        await pluginEnd.FlushAsync();

        await client.Completion.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.AreEqual(reason, client.DisconnectReason);
        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(() => client.Hello);
        Assert.AreEqual(ErrorCode.Unavailable, refused.Code);
        Assert.AreEqual($"the plugin broke the protocol before its hello: {reason}", refused.Message);
    }

    [TestMethod]
    public async Task ConnectionClosedBeforeTheHello_FailsTheHelloWithoutBlamingARule()
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        await using var client = PluginClient.Start(hostEnd, "t");

        pluginEnd.Dispose();

        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(() => client.Hello.WaitAsync(TimeSpan.FromSeconds(30)));
        StringAssert.StartsWith(refused.Message, "the plugin closed the connection before its hello");
        Assert.IsNull(client.DisconnectReason);
    }

    [TestMethod]
    public async Task MessageUnderTheLimit_Passes()
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        await using var client = PluginClient.Start(hostEnd, "t", maxMessageBytes: 4096);
        using var plugin = RawPlugin(pluginEnd);

        var answer = await plugin.InvokeWithParameterObjectAsync<HelloResult>(
            ProtocolMethods.Hello, new HelloParams { Token = "t", ProtocolVersions = [1], PluginName = new string('x', 3000) });

        Assert.AreEqual(1, answer.ProtocolVersion);
        Assert.IsNull(client.DisconnectReason);
    }

    /// <summary>The least a plugin without the SDK must answer to be mounted.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "StreamJsonRpc serves instance methods of a target object.")]
    private sealed class RawSetupTarget
    {
        [JsonRpcMethod(ProtocolMethods.Setup, UseSingleObjectParameterDeserialization = true)]
        public SetupResult Setup(SetupParams parameters) => new() { Type = parameters.Type };
    }

}
