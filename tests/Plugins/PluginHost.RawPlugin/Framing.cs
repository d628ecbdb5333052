using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace RawProtocolPlugin;

/// <summary>
/// Reads messages framed as protocol.md §2 says: header lines ending with an empty line, then <c>Content-Length</c>
/// bytes of UTF-8 JSON. Headers other than <c>Content-Length</c> are ignored.
/// </summary>
internal sealed class FrameReader(Stream stream)
{
    // A header line longer than this is garbage, not a header; it must stay well below the buffer's size.
    private const int MaxHeaderLineBytes = 8 * 1024;

    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <summary>Reads the next message's body.</summary>
    /// <returns>The JSON body, or <see langword="null"/> when the peer closed the connection between two messages.</returns>
    /// <exception cref="InvalidDataException">The headers are malformed.</exception>
    /// <exception cref="EndOfStreamException">The connection closed in the middle of a message.</exception>
    public async Task<byte[]?> ReadAsync(CancellationToken cancellationToken)
    {
        int? contentLength = null;
        for (var first = true; ; first = false)
        {
            var line = await ReadHeaderLineAsync(first, cancellationToken);
            if (line is null)
            {
                return null;
            }

            if (line.Length == 0)
            {
                break;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                contentLength = int.TryParse(line[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                    ? length
                    : throw new InvalidDataException($"invalid header '{line}'");
            }
        }

        var body = new byte[contentLength ?? throw new InvalidDataException("a message without a Content-Length header")];
        await ReadBodyAsync(body, cancellationToken);
        return body;
    }

    private async Task<string?> ReadHeaderLineAsync(bool atMessageStart, CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                _start = newline + 1;
                return line;
            }

            if (_end - _start >= MaxHeaderLineBytes)
            {
                throw new InvalidDataException("a header line is too long");
            }

            if (!await FillAsync(cancellationToken))
            {
                return atMessageStart && _start == _end
                    ? null
                    : throw new EndOfStreamException("the connection closed in the middle of a message");
            }
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        // Move the unread bytes to the front so there is always room to read into.
        Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
        _end -= _start;
        _start = 0;
        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        _end += read;
        return read > 0;
    }

    private async Task ReadBodyAsync(byte[] body, CancellationToken cancellationToken)
    {
        var buffered = Math.Min(body.Length, _end - _start);
        Buffer.BlockCopy(_buffer, _start, body, 0, buffered);
        _start += buffered;
        await stream.ReadExactlyAsync(body.AsMemory(buffered), cancellationToken);
    }
}

/// <summary>Writes framed messages; one at a time, because handlers answer concurrently on one connection.</summary>
internal sealed class FrameWriter(Stream stream) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Writes <paramref name="message"/> with its <c>Content-Length</c> header.</summary>
    public async Task WriteAsync(JsonNode message, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(message.ToJsonString());
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n\r\n"));
        var frame = new byte[header.Length + body.Length];
        header.CopyTo(frame, 0);
        body.CopyTo(frame, header.Length);
        await _lock.WaitAsync(cancellationToken);
        try
        {
            // Not cancellable once started: half a message would corrupt the stream for every later one.
            await stream.WriteAsync(frame, CancellationToken.None);
            await stream.FlushAsync(CancellationToken.None);
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();
}
