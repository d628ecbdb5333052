using System.Text;
using System.Text.Json;

namespace PluginHost.Tests.Protocol;

/// <summary>Raw protocol bytes, written and read by hand: what a peer in another language sends and sees.</summary>
internal static class Wire
{
    public static async Task WriteMessageAsync(Stream stream, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        await WriteRawAsync(stream, [.. Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"), .. body]);
    }

    public static async Task WriteRawAsync(Stream stream, byte[] bytes)
    {
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
    }

    /// <summary>A message with the header given (its Content-Length included, or not), then the body.</summary>
    public static byte[] Framed(string header, string body) => [.. Encoding.ASCII.GetBytes(header + "\r\n"), .. Encoding.UTF8.GetBytes(body)];

    public static string Hello(string token = "t", int id = 1) =>
        $$$"""{"jsonrpc":"2.0","id":{{{id}}},"method":"plugin.hello","params":{"token":"{{{token}}}","protocol_versions":[1]}}""";

    // The in-memory stream does not watch cancellation tokens: the deadline is on the whole read.
    public static Task<JsonDocument> ReadMessageAsync(Stream stream) => ReadMessageCoreAsync(stream).WaitAsync(TimeSpan.FromSeconds(30));

    private static async Task<JsonDocument> ReadMessageCoreAsync(Stream stream)
    {
        var header = new StringBuilder();
        var one = new byte[1];
        while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            await stream.ReadExactlyAsync(one);
            header.Append((char)one[0]);
        }

        var length = int.Parse(header.ToString().Split(':')[1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var body = new byte[length];
        await stream.ReadExactlyAsync(body);
        return JsonDocument.Parse(body);
    }
}
