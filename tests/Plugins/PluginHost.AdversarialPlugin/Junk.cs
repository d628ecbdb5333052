using System.Text;

namespace PluginHost.AdversarialPlugin;

/// <summary>Bytes that are not a protocol message, in the two ways a broken or hostile peer might send them.</summary>
internal static class Junk
{
    /// <summary>Another protocol's request: a header block without a Content-Length.</summary>
    public static readonly byte[] Unframed = "GET / HTTP/1.1\r\nHost: pluginhost\r\nUser-Agent: adversarial-plugin\r\n\r\n"u8.ToArray();

    /// <summary>8 KiB of binary noise without any line break: a header that never ends.</summary>
    public static readonly byte[] Noise = MakeNoise(8 * 1024);

    /// <summary>A correctly framed message whose body is not JSON.</summary>
    public static readonly byte[] FramedNonJson = Frame("{this is not JSON at all");

    /// <summary>
    /// Two Content-Length lines, the first small and lower-case, the second 400 MiB: a reader that checks one and
    /// StreamJsonRpc, which reads the other, would buffer 400 MiB.
    /// </summary>
    public static readonly byte[] DuplicateContentLength = "content-length: 10\r\nContent-Length: 419430400\r\n\r\n{\"a\":true}"u8.ToArray();

    private static byte[] Frame(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        return [.. Encoding.ASCII.GetBytes($"Content-Length: {bytes.Length}\r\n\r\n"), .. bytes];
    }

    private static byte[] MakeNoise(int length)
    {
        // Fixed seed: the same bytes every run. CR and LF are left out so the bytes can never end a header.
        var random = new Random(20260101);
        var noise = new byte[length];
        for (var i = 0; i < noise.Length; i++)
        {
            byte next;
            do
            {
                next = (byte)random.Next(256);
            }
            while (next is (byte)'\r' or (byte)'\n');
            noise[i] = next;
        }

        return noise;
    }
}
