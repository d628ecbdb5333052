using PluginHost.Protocol;
using PluginHost.Sdk.Protocol;

namespace PluginHost.Tests.Protocol;

/// <summary>Whatever breaks the transport during a call, the caller hears Unavailable naming the plugin, not an internal error.</summary>
[TestClass]
public sealed class TransportFailureTests
{
    [TestMethod]
    public async Task WriteFailingWithBrokenPipe_IsUnavailableNamingThePlugin()
    {
        using var rpc = ProtocolChannel.Create(new BrokenPipeStream(), new HostEndpoint("t", [1], "test-host"));
        rpc.StartListening();

        var error = await Assert.ThrowsExactlyAsync<PluginHostException>(() => ProtocolChannel.InvokeAsync<object?>(
            rpc,
            ProtocolMethods.HandleRequest,
            // Larger than the write pipe holds, so the call waits for the transport, as a large request to a killed plugin does.
            new InstanceParams { InstanceId = "i", Key = new string('k', 1024 * 1024) },
            "plugin 'p'",
            "plugin 'p' is unavailable: its connection closed",
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.AreEqual(ErrorCode.Unavailable, error.Code);
        StringAssert.StartsWith(error.Message, "plugin 'p' is unavailable: its connection closed");
    }

    /// <summary>A connection whose peer is gone: writes fail as a socket's do after SIGKILL, reads wait forever.</summary>
    private sealed class BrokenPipeStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => throw Broken();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException(Broken());

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromException(Broken());

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private static IOException Broken() =>
            new("Unable to write data to the transport connection: Broken pipe.", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.Shutdown));
    }
}
