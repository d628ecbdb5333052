using System.Text;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Tests.Protocol;

/// <summary>The header reader both ends share: what it accepts, what it hands StreamJsonRpc, what it refuses.</summary>
[TestClass]
public sealed class FrameGuardStreamTests
{
    private static async Task<string> ReadAllAsync(byte[] input, int chunk, long limit = 4096)
    {
        await using var guard = new FrameGuardStream(new MemoryStream(input), limit);
        var output = new MemoryStream();
        var buffer = new byte[chunk];
        int read;
        while ((read = await guard.ReadAsync(buffer)) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return Encoding.UTF8.GetString(output.ToArray());
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(7)]
    [DataRow(4096)]
    public async Task WellFormedMessages_ComeOutWithCanonicalHeaders_HoweverTheyAreRead(int chunk)
    {
        var input = Encoding.ASCII.GetBytes(
            "content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}" +
            "X-Other: ignored\r\nCONTENT-LENGTH:\t007 \r\n\r\n{\"a\":1}" +
            "Content-Length: 2\r\n\r\n[]");

        var output = await ReadAllAsync(input, chunk);

        Assert.AreEqual("Content-Length: 2\r\n\r\n{}Content-Length: 7\r\n\r\n{\"a\":1}Content-Length: 2\r\n\r\n[]", output);
    }

    [TestMethod]
    public async Task DuplicateContentLength_FailsTheReadBeforeAnyBodyByteIsHandedOn()
    {
        var input = Encoding.ASCII.GetBytes("content-length: 10\r\nContent-Length: 419430400\r\n\r\n{\"a\":true}");
        await using var guard = new FrameGuardStream(new MemoryStream(input), 4096);

        var error = await Assert.ThrowsExactlyAsync<ProtocolLimitException>(() => guard.ReadExactlyAsync(new byte[64]).AsTask());

        Assert.AreEqual("the peer sent a message header with 2 Content-Length lines; the connection is dropped", error.Message);
    }

    [TestMethod]
    [DataRow("99999999999999999999999999", "the peer sent a message of 99999999999999999999999999 bytes; the limit is 4096 bytes, so the connection is dropped")]
    [DataRow("4097", "the peer sent a message of 4097 bytes; the limit is 4096 bytes, so the connection is dropped")]
    [DataRow("0x10", "the peer sent a Content-Length that is not a number of bytes ('0x10'); the connection is dropped")]
    [DataRow("", "the peer sent a Content-Length that is not a number of bytes (''); the connection is dropped")]
    [DataRow("１０", "the peer sent a Content-Length that is not a number of bytes ('??????'); the connection is dropped")]
    public void ContentLengthValues_OutsideDigitsWithinTheLimit_AreRefused(string value, string reason)
    {
        var block = Encoding.UTF8.GetBytes($"Content-Length: {value}");

        var error = Assert.ThrowsExactly<ProtocolLimitException>(() => FrameGuardStream.ParseHeader(block, 4096));

        Assert.AreEqual(reason, error.Message);
    }

    [TestMethod]
    public async Task HeaderWithoutEnd_IsRefusedAtTheHeaderLimit()
    {
        var input = Encoding.ASCII.GetBytes("Content-Length: 2\r\nX: " + new string('x', 5000));

        var error = await Assert.ThrowsExactlyAsync<ProtocolLimitException>(() => ReadAllAsync(input, 512));

        Assert.AreEqual("the peer sent a message header longer than 4096 bytes; the connection is dropped", error.Message);
    }

    [TestMethod]
    public async Task EndOfStream_BetweenOrInsideHeaders_IsAnOrdinaryEnd()
    {
        Assert.AreEqual("Content-Length: 2\r\n\r\n{}", await ReadAllAsync(Encoding.ASCII.GetBytes("Content-Length: 2\r\n\r\n{}Content-Len"), 16));
    }
}
