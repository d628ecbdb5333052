using Nerdbank.Streams;
using PluginHost.Backends;
using PluginHost.Sdk;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Tests.Protocol;

/// <summary>
/// Both ends read headers by the same strict rules (docs/protocol.md, "Framing"): one Content-Length of digits within
/// the limit, a Content-Type only with a UTF-8 charset; anything else ends the connection saying why.
/// </summary>
[TestClass]
public sealed class StrictFramingTests
{
    private const string Hello = """{"jsonrpc":"2.0","id":1,"method":"plugin.hello","params":{"token":"t","protocol_versions":[1]}}""";

    private static async Task<PluginClient> DroppedAsync(byte[] bytes)
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        var client = PluginClient.Start(hostEnd, "t", maxMessageBytes: 4096);
        await Wire.WriteRawAsync(pluginEnd, bytes);
        await client.Completion.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(30));
        return client;
    }

    [TestMethod]
    [DataRow("content-length: 10\r\nContent-Length: 419430400\r\n", "the peer sent a message header with 2 Content-Length lines; the connection is dropped")]
    [DataRow("Content-Length: 10\r\ncontent-length: 10\r\n", "the peer sent a message header with 2 Content-Length lines; the connection is dropped")]
    [DataRow("Content-Length: +10\r\n", "the peer sent a Content-Length that is not a number of bytes ('+10'); the connection is dropped")]
    [DataRow("Content-Length: -10\r\n", "the peer sent a Content-Length that is not a number of bytes ('-10'); the connection is dropped")]
    [DataRow("Content-Length: 1 0\r\n", "the peer sent a Content-Length that is not a number of bytes ('1 0'); the connection is dropped")]
    [DataRow("Content-Length: 0\r\n", "the peer sent a message of 0 bytes; a message needs a JSON body, so the connection is dropped")]
    [DataRow("Content-Length : 10\r\n", "the peer sent a message header without a valid Content-Length; the connection is dropped")]
    [DataRow("Content-Length: 10\r\nX-Trace id: 1\r\n", "the peer sent a malformed message header line ('X-Trace id: 1'); the connection is dropped")]
    [DataRow("Content-Length: 10\nX: y\r\n", "the peer sent a message header line that does not end with CR LF; the connection is dropped")]
    [DataRow("Content-Type: application/vscode-jsonrpc; charset=utf-16\r\nContent-Length: 10\r\n", "the peer sent a Content-Type with charset 'utf-16'; the protocol is UTF-8 only, so the connection is dropped")]
    [DataRow("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n", "the peer sent a message header with 2 Content-Type lines; the connection is dropped")]
    public async Task BadHeader_DropsTheHostsConnectionSayingWhy(string header, string reason)
    {
        await using var client = await DroppedAsync(Wire.Framed(header, "{\"a\":true}"));

        Assert.AreEqual(reason, client.DisconnectReason);
        var refused = await Assert.ThrowsExactlyAsync<PluginHostException>(() => client.Hello);
        Assert.AreEqual($"the plugin broke the protocol before its hello: {reason}", refused.Message);
    }

    [TestMethod]
    [DataRow("content-length: {0}\r\n")]
    [DataRow("CONTENT-LENGTH:{0}\r\n")]
    [DataRow("Content-Length: \t{0} \r\n")]
    [DataRow("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: {0}\r\n")]
    [DataRow("Content-Length: {0}\r\nContent-Type: application/vscode-jsonrpc; charset=\"UTF8\"\r\nX-Whatever: ignored\r\n")]
    public async Task WellFormedHeaders_AreAccepted_WhateverTheCaseOfTheirNames(string header)
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        await using var client = PluginClient.Start(hostEnd, "t");

        await Wire.WriteRawAsync(pluginEnd, Wire.Framed(string.Format(System.Globalization.CultureInfo.InvariantCulture, header, Hello.Length), Hello));
        using var answer = await Wire.ReadMessageAsync(pluginEnd);

        Assert.AreEqual(1, answer.RootElement.GetProperty("result").GetProperty("protocol_version").GetInt32(), answer.RootElement.GetRawText());
        await client.Hello.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.IsNull(client.DisconnectReason);
    }

    [TestMethod]
    public async Task DuplicateContentLength_FromTheHost_EndsThePluginsConnection()
    {
        var (hostEnd, pluginEnd) = FullDuplexStream.CreatePair();
        var server = PluginServer.ServeAsync(pluginEnd, () => new KvBackend(), "t");
        using var hello = await Wire.ReadMessageAsync(hostEnd);
        var id = hello.RootElement.GetProperty("id").GetRawText();
        await Wire.WriteMessageAsync(hostEnd, $$$"""{"jsonrpc":"2.0","id":{{{id}}},"result":{"protocol_version":1,"host":"raw"}}""");

        await Wire.WriteRawAsync(hostEnd, Wire.Framed("content-length: 10\r\nContent-Length: 419430400\r\n", "{\"a\":true}"));

        // The plugin's connection ends (and with it the plugin) instead of waiting for 400 MiB.
        await server.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(30));
    }
}
