using System.Net.Sockets;

namespace PluginHost.Benchmarks.E2e.Floors;

/// <summary>Two connected Unix stream sockets in this process, made the way the host makes them (listen, connect, accept).</summary>
internal sealed class UnixSocketPair : IDisposable
{
    private UnixSocketPair(Socket hostEnd, Socket pluginEnd)
    {
        HostEnd = hostEnd;
        PluginEnd = pluginEnd;
    }

    public Socket HostEnd { get; }

    public Socket PluginEnd { get; }

    public static async Task<UnixSocketPair> CreateAsync(CancellationToken cancellationToken)
    {
        // A short path: Unix socket paths are limited to about 100 bytes.
        var directory = Directory.CreateTempSubdirectory("phb-");
        try
        {
            var endpoint = new UnixDomainSocketEndPoint(Path.Combine(directory.FullName, "s"));
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(endpoint);
            listener.Listen(1);
            var pluginEnd = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                var accept = listener.AcceptAsync(cancellationToken).AsTask();
                await pluginEnd.ConnectAsync(endpoint, cancellationToken);
                return new UnixSocketPair(await accept, pluginEnd);
            }
            catch
            {
                pluginEnd.Dispose();
                throw;
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    public void Dispose()
    {
        HostEnd.Dispose();
        PluginEnd.Dispose();
    }
}
