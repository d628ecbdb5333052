using System.Text;

namespace PluginHost.Sdk.Protocol;

/// <summary>
/// Watches the <c>Content-Length</c> headers of the messages read from a peer and fails the read (so the connection
/// drops) when one announces more than the limit, before any of that body is buffered. Writes pass through.
/// </summary>
internal sealed class MessageSizeGuardStream(Stream inner, long maxMessageBytes) : Stream
{
    private const int MaxHeaderBytes = 4096;
    private readonly StringBuilder _header = new();
    private long _bodyRemaining;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Inspect(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Inspect(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Inspect(ReadOnlySpan<byte> bytes)
    {
        var index = 0;
        while (index < bytes.Length)
        {
            if (_bodyRemaining > 0)
            {
                var skip = (int)Math.Min(_bodyRemaining, bytes.Length - index);
                _bodyRemaining -= skip;
                index += skip;
                continue;
            }

            // Header bytes are ASCII; the header ends with an empty line.
            _header.Append((char)bytes[index++]);
            if (_header.Length > MaxHeaderBytes)
            {
                throw new ProtocolLimitException($"the peer sent a message header longer than {MaxHeaderBytes} bytes; the connection is dropped");
            }

            if (_header.Length >= 4 && _header[^1] == '\n' && _header.ToString(_header.Length - 4, 4) == "\r\n\r\n")
            {
                _bodyRemaining = ContentLength(_header.ToString());
                _header.Clear();
                if (_bodyRemaining > maxMessageBytes)
                {
                    throw new ProtocolLimitException($"the peer sent a message of {_bodyRemaining} bytes; the limit is {maxMessageBytes} bytes, so the connection is dropped");
                }
            }
        }

        return bytes.Length;
    }

    private static long ContentLength(string header)
    {
        foreach (var line in header.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && long.TryParse(line[(colon + 1)..].Trim(), out var length) && length >= 0)
            {
                return length;
            }
        }

        throw new ProtocolLimitException("the peer sent a message header without a valid Content-Length; the connection is dropped");
    }
}

/// <summary>The peer broke the framing or size rules; the connection is dropped.</summary>
internal sealed class ProtocolLimitException(string message) : IOException(message);
