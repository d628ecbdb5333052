using System.Globalization;
using System.Text;

namespace PluginHost.Sdk.Protocol;

/// <summary>
/// The one reader of message headers on both ends of the protocol (docs/protocol.md, "Framing"). It checks each header
/// block by strict rules and hands StreamJsonRpc a canonical <c>Content-Length: N\r\n\r\n</c> in its place, so the
/// size that was checked is the size that is read: two parsers can never disagree about a header again. A header that
/// breaks a rule fails the read (so the connection drops) before any of its body is buffered. Writes pass through.
/// </summary>
/// <remarks>
/// The rules: lines end with CR LF; each is <c>name: value</c> with a token name; exactly one <c>Content-Length</c>
/// (name in any case) whose value is digits only, more than 0 and at most the limit; at most one <c>Content-Type</c>,
/// whose charset, when given, is UTF-8; other headers are ignored; the whole block is at most 4096 bytes.
/// </remarks>
internal sealed class FrameGuardStream(Stream inner, long maxMessageBytes) : Stream
{
    /// <summary>The longest header block accepted, its closing empty line included.</summary>
    public const int MaxHeaderBytes = 4096;

    private static readonly byte[] EndOfHeader = "\r\n\r\n"u8.ToArray();

    // Header bytes read but not yet parsed (and, after a header, the first body bytes read with it).
    private readonly byte[] _input = new byte[2 * MaxHeaderBytes];
    private int _inputStart;
    private int _inputEnd;

    // The canonical header still to hand out, then how many body bytes follow it.
    private byte[] _canonical = [];
    private int _canonicalOffset;
    private long _bodyRemaining;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            if (TryProduce(buffer, out var produced))
            {
                return produced;
            }

            if (DirectBodyLength(buffer.Length) is var direct and > 0)
            {
                return Consumed(inner.Read(buffer[..direct]));
            }

            if (!Filled(inner.Read(FreeInput().Span)))
            {
                return 0;
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (TryProduce(buffer.Span, out var produced))
            {
                return produced;
            }

            // Body bytes go straight to the reader; only header bytes pass through the input buffer.
            if (DirectBodyLength(buffer.Length) is var direct and > 0)
            {
                return Consumed(await inner.ReadAsync(buffer[..direct], cancellationToken).ConfigureAwait(false));
            }

            if (!Filled(await inner.ReadAsync(FreeInput(), cancellationToken).ConfigureAwait(false)))
            {
                return 0;
            }
        }
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

    /// <summary>Checks one header block (its lines, the closing empty line left out) and returns its Content-Length.</summary>
    /// <exception cref="ProtocolLimitException">The block breaks a framing rule.</exception>
    internal static long ParseHeader(ReadOnlySpan<byte> block, long maxMessageBytes)
    {
        var text = Encoding.Latin1.GetString(block);
        var lines = text.Split("\r\n");
        var lengths = new List<string>(1);
        var contentTypes = 0;
        string? charset = null;
        foreach (var line in lines)
        {
            if (line.Contains('\n', StringComparison.Ordinal) || line.Contains('\r', StringComparison.Ordinal))
            {
                throw Broken("a message header line that does not end with CR LF");
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line.AsSpan(0, colon).ContainsAnyExcept(TokenCharacters))
            {
                // A line without a name, or whose name is not a token (a space before the colon, another protocol's request line).
                if (!lines.Any(IsContentLength))
                {
                    throw Broken("a message header without a valid Content-Length");
                }

                throw Broken($"a malformed message header line ('{Quote(line)}')");
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(' ', '\t');
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                lengths.Add(value);
            }
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentTypes++;
                charset = Charset(value) ?? charset;
            }
        }

        if (lengths.Count == 0)
        {
            throw Broken("a message header without a valid Content-Length");
        }

        if (lengths.Count > 1)
        {
            throw Broken($"a message header with {lengths.Count} Content-Length lines");
        }

        if (contentTypes > 1)
        {
            throw Broken($"a message header with {contentTypes} Content-Type lines");
        }

        if (charset is not null && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            throw new ProtocolLimitException($"the peer sent a Content-Type with charset '{Quote(charset)}'; the protocol is UTF-8 only, so the connection is dropped");
        }

        var digits = lengths[0];
        if (digits.Length == 0 || digits.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            throw Broken($"a Content-Length that is not a number of bytes ('{Quote(digits)}')");
        }

        // More digits than any limit can have: over it, whatever the number.
        var length = digits.TrimStart('0').Length > 18 ? long.MaxValue : long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        if (length == 0)
        {
            throw new ProtocolLimitException("the peer sent a message of 0 bytes; a message needs a JSON body, so the connection is dropped");
        }

        if (length > maxMessageBytes)
        {
            var size = length == long.MaxValue ? digits : length.ToString(CultureInfo.InvariantCulture);
            throw new ProtocolLimitException($"the peer sent a message of {Quote(size)} bytes; the limit is {maxMessageBytes} bytes, so the connection is dropped");
        }

        return length;

        static bool IsContentLength(string line) =>
            line.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon && line[..colon].Equals("Content-Length", StringComparison.OrdinalIgnoreCase);
    }

    // RFC 9110 token characters: what a header name may be made of.
    private static readonly System.Buffers.SearchValues<char> TokenCharacters =
        System.Buffers.SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static string? Charset(string contentType)
    {
        foreach (var parameter in contentType.Split(';').Skip(1))
        {
            var equals = parameter.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && parameter[..equals].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                return parameter[(equals + 1)..].Trim().Trim('"');
            }
        }

        return null;
    }

    // What the peer sent, short and printable, for a message that quotes it.
    private static string Quote(string text)
    {
        var printable = string.Concat(text.Take(64).Select(c => c is >= ' ' and <= '~' ? c : '?'));
        return text.Length > 64 ? printable + "…" : printable;
    }

    private static ProtocolLimitException Broken(string what) => new($"the peer sent {what}; the connection is dropped");

    private bool TryProduce(Span<byte> destination, out int produced)
    {
        produced = 0;
        if (destination.IsEmpty)
        {
            return true;
        }

        if (_canonicalOffset < _canonical.Length)
        {
            produced = Math.Min(destination.Length, _canonical.Length - _canonicalOffset);
            _canonical.AsSpan(_canonicalOffset, produced).CopyTo(destination);
            _canonicalOffset += produced;
            return true;
        }

        if (_bodyRemaining > 0)
        {
            if (_inputEnd == _inputStart)
            {
                return false;
            }

            produced = (int)Math.Min(Math.Min(destination.Length, _inputEnd - _inputStart), _bodyRemaining);
            _input.AsSpan(_inputStart, produced).CopyTo(destination);
            _inputStart += produced;
            _bodyRemaining -= produced;
            return true;
        }

        // Between messages: parse the next header once it is whole.
        var buffered = _input.AsSpan(_inputStart, _inputEnd - _inputStart);
        var end = buffered.IndexOf(EndOfHeader);
        if (end < 0)
        {
            if (buffered.Length >= MaxHeaderBytes)
            {
                throw new ProtocolLimitException($"the peer sent a message header longer than {MaxHeaderBytes} bytes; the connection is dropped");
            }

            return false;
        }

        if (end + EndOfHeader.Length > MaxHeaderBytes)
        {
            throw new ProtocolLimitException($"the peer sent a message header longer than {MaxHeaderBytes} bytes; the connection is dropped");
        }

        _bodyRemaining = ParseHeader(buffered[..end], maxMessageBytes);
        _inputStart += end + EndOfHeader.Length;
        _canonical = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"Content-Length: {_bodyRemaining}\r\n\r\n"));
        _canonicalOffset = 0;
        return TryProduce(destination, out produced);
    }

    // How many body bytes to read straight into the caller's buffer: when nothing is buffered and the body goes on.
    private int DirectBodyLength(int destinationLength) =>
        _bodyRemaining > 0 && _inputEnd == _inputStart ? (int)Math.Min(destinationLength, _bodyRemaining) : 0;

    private int Consumed(int read)
    {
        _bodyRemaining -= read;
        return read;
    }

    private Memory<byte> FreeInput()
    {
        if (_inputStart > 0)
        {
            _input.AsSpan(_inputStart, _inputEnd - _inputStart).CopyTo(_input);
            _inputEnd -= _inputStart;
            _inputStart = 0;
        }

        return _input.AsMemory(_inputEnd);
    }

    // False at the end of the stream: the reader sees it as such (a header cut short is no message).
    private bool Filled(int read)
    {
        _inputEnd += read;
        return read > 0;
    }
}

/// <summary>The peer broke the framing or size rules; the connection is dropped.</summary>
internal sealed class ProtocolLimitException(string message) : IOException(message);
