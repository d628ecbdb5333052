using System.Buffers.Text;
using System.Net.Sockets;
using System.Text;

namespace PluginHost.Benchmarks.E2e.Floors;

/// <summary>
/// Reads and writes whole messages framed as the plugin protocol frames them (<c>Content-Length: N\r\n\r\n</c> then N
/// bytes of body) on a socket, with one reusable buffer and no JSON: the least a framed message exchange can cost.
/// </summary>
internal sealed class FramedSocket(Socket socket)
{
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] LengthField = "Content-Length:"u8.ToArray();
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <summary>Frames <paramref name="body"/> as one message.</summary>
    public static byte[] Frame(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        return [.. Encoding.ASCII.GetBytes($"Content-Length: {bytes.Length}\r\n\r\n"), .. bytes];
    }

    /// <summary>Reads the next whole message (header and body); the memory is valid until the next read.</summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadMessageAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryTakeMessage(out var message))
            {
                return message;
            }

            Compact();
            var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException("the peer closed the socket");
            }

            _end += read;
        }
    }

    /// <summary>The blocking form of <see cref="ReadMessageAsync"/>, for the thread-per-end floor.</summary>
    public ReadOnlyMemory<byte> ReadMessage()
    {
        while (true)
        {
            if (TryTakeMessage(out var message))
            {
                return message;
            }

            Compact();
            var read = socket.Receive(_buffer.AsSpan(_end), SocketFlags.None);
            if (read == 0)
            {
                throw new EndOfStreamException("the peer closed the socket");
            }

            _end += read;
        }
    }

    public void Send(ReadOnlySpan<byte> message)
    {
        while (!message.IsEmpty)
        {
            message = message[socket.Send(message, SocketFlags.None)..];
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        while (!message.IsEmpty)
        {
            message = message[await socket.SendAsync(message, SocketFlags.None, cancellationToken)..];
        }
    }

    private void Compact()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
    }

    private bool TryTakeMessage(out ReadOnlyMemory<byte> message)
    {
        message = default;
        var pending = _buffer.AsSpan(_start, _end - _start);
        var headerEnd = pending.IndexOf(HeaderEnd);
        if (headerEnd < 0)
        {
            return false;
        }

        var field = pending[..headerEnd].IndexOf(LengthField);
        if (field < 0 || !Utf8Parser.TryParse(pending[(field + LengthField.Length)..headerEnd].TrimStart((byte)' '), out int bodyLength, out _))
        {
            throw new InvalidDataException("a message header without a valid Content-Length");
        }

        var total = headerEnd + HeaderEnd.Length + bodyLength;
        if (pending.Length < total)
        {
            return false;
        }

        message = _buffer.AsMemory(_start, total);
        _start += total;
        return true;
    }
}
