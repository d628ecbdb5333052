using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PluginHost.Tests.Shared.Fuzzing;

/// <summary>What came back for one raw request.</summary>
/// <param name="Status">The final status (after any 1xx), or 0 when no status line came.</param>
/// <param name="Head">The status line and headers as received.</param>
/// <param name="Body">The body (at most 64 KiB of it kept).</param>
/// <param name="Problem">Why there is no status: <c>timeout</c>, <c>closed</c>, <c>reset</c>, or the socket error; null when there is one.</param>
/// <param name="Elapsed">From connecting to the end of the answer.</param>
internal sealed record RawHttpResponse(int Status, string Head, string Body, string? Problem, TimeSpan Elapsed)
{
    /// <summary>The answer's first lines, escaped, for a report.</summary>
    public string Preview(int maxChars = 400) => Problem is not null ? $"(no answer: {Problem})" : Printable.Of(Head + "\r\n\r\n" + Body, maxChars);
}

/// <summary>
/// Sends bytes as they are on a new TCP connection and reads one HTTP/1.1 answer, which HttpClient cannot do for
/// requests it would refuse to send (bad chunking, bad headers). Sending and reading run at once, so a server that
/// answers before it read the whole request (413, 400) is heard, and a send it cut short is not an error.
/// </summary>
internal static class RawHttp
{
    private const int KeptBodyBytes = 64 * 1024;

    public static async Task<RawHttpResponse> SendAsync(EndPoint server, byte[] request, TimeSpan timeout, bool isHead, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(server, deadline.Token);
        }
        catch (Exception error) when (error is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new RawHttpResponse(0, "", "", "connect: " + error.Message, Stopwatch.GetElapsedTime(started));
        }

        var sending = SendAllAsync(socket, request, deadline.Token);
        var answer = new AnswerReader(isHead);
        var buffer = new byte[64 * 1024];
        string? problem = null;
        try
        {
            while (!answer.IsComplete)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
                if (read == 0)
                {
                    answer.Closed();
                    break;
                }

                answer.Add(buffer.AsSpan(0, read));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            problem = "timeout";
        }
        catch (SocketException error)
        {
            problem = error.SocketErrorCode == SocketError.ConnectionReset ? "reset" : error.SocketErrorCode.ToString();
        }

        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already gone.
        }

        socket.Close();
        await sending;
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (answer.Status > 0)
        {
            return new RawHttpResponse(answer.Status, answer.Head, answer.BodyText, null, elapsed);
        }

        return new RawHttpResponse(0, "", "", problem ?? answer.WhyNoStatus(), elapsed);
    }

    // A send the server cut short (it answered and closed) is fine: the answer is what counts.
    private static async Task SendAllAsync(Socket socket, byte[] request, CancellationToken cancellationToken)
    {
        try
        {
            var sent = 0;
            while (sent < request.Length)
            {
                sent += await socket.SendAsync(request.AsMemory(sent, Math.Min(256 * 1024, request.Length - sent)), SocketFlags.None, cancellationToken);
            }
        }
        catch (Exception error) when (error is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Reset, timed out or closed by the reader.
        }
    }

    /// <summary>Finds the end of one answer: its head (skipping 1xx), then Content-Length bytes, chunks, or the close.</summary>
    private sealed class AnswerReader(bool isHead)
    {
        private ArrayBufferWriter<byte> _bytes = new();
        private int _headEnd = -1;
        private long? _contentLength;
        private bool _chunked;
        private bool _closed;

        public int Status { get; private set; }

        public string Head { get; private set; } = "";

        public long Received => _bytes.WrittenCount;

        public string BodyText
        {
            get
            {
                if (_headEnd < 0)
                {
                    return "";
                }

                var body = _bytes.WrittenSpan[_headEnd..];
                return Encoding.UTF8.GetString(body[..Math.Min(body.Length, KeptBodyBytes)]);
            }
        }

        public bool IsComplete
        {
            get
            {
                if (_closed)
                {
                    return true;
                }

                if (_headEnd < 0)
                {
                    return false;
                }

                var bodyBytes = _bytes.WrittenCount - _headEnd;
                if (isHead || Status is 204 or 304)
                {
                    return true;
                }

                if (_contentLength is { } length)
                {
                    return bodyBytes >= length;
                }

                return _chunked && _bytes.WrittenSpan[_headEnd..].EndsWith("0\r\n\r\n"u8);
            }
        }

        public void Add(ReadOnlySpan<byte> data)
        {
            _bytes.Write(data);
            while (_headEnd < 0 && TryParseHead())
            {
            }
        }

        public void Closed() => _closed = true;

        // The connection closed without a status line: nothing came, or something that is not an HTTP/1.x answer.
        public string WhyNoStatus() => _bytes.WrittenCount == 0
            ? "closed without an answer"
            : $"closed after {_bytes.WrittenCount.ToString(CultureInfo.InvariantCulture)} bytes that are not an HTTP/1.x answer: {Printable.Of(_bytes.WrittenSpan, null, 60)}";

        // Parses the next head in the buffer; a 1xx head is dropped and the next one parsed. Returns whether to go on.
        private bool TryParseHead()
        {
            var all = _bytes.WrittenSpan;
            var end = all.IndexOf("\r\n\r\n"u8);
            if (end < 0)
            {
                return false;
            }

            var head = Encoding.Latin1.GetString(all[..end]);
            var status = ParseStatus(head);
            if (status is >= 100 and < 200 and not 101)
            {
                var rest = all[(end + 4)..].ToArray();
                _bytes = new ArrayBufferWriter<byte>();
                _bytes.Write(rest);
                return true;
            }

            Status = status;
            Head = head;
            _headEnd = end + 4;
            foreach (var line in head.Split("\r\n").Skip(1))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0)
                {
                    continue;
                }

                var name = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
                {
                    _contentLength = length;
                }
                else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase))
                {
                    _chunked = true;
                }
            }

            return false;
        }

        // "HTTP/1.1 200 OK" → 200; anything else → 0.
        private static int ParseStatus(string head)
        {
            var line = head.Split("\r\n")[0];
            var parts = line.Split(' ', 3);
            return parts.Length >= 2 && parts[0].StartsWith("HTTP/", StringComparison.Ordinal)
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status) ? status : 0;
        }
    }
}
