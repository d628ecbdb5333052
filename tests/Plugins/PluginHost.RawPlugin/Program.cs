// A PluginHost plugin written from docs/protocol.md only: a raw Unix domain socket, Content-Length framing and
// System.Text.Json; no PluginHost package and no JSON-RPC library. It serves a kv engine at kv/<key> whose data lives
// in the host's storage, for as many mounts (backend instances) as the host sets up on its one connection.
using System.Net.Sockets;
using RawProtocolPlugin;

if (!Launch.StartedByHost())
{
    await Console.Error.WriteLineAsync("This binary is a plugin. These are not meant to be executed directly.");
    return 1;
}

Launch launch;
try
{
    launch = Launch.FromEnvironment();
}
catch (InvalidOperationException e)
{
    StderrLog.Error(e.Message);
    return 1;
}

// The plugin is the client: the host listens on the socket (§1).
var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
try
{
    await socket.ConnectAsync(new UnixDomainSocketEndPoint(launch.SocketPath));
}
catch (SocketException e)
{
    socket.Dispose();
    StderrLog.Error($"cannot connect to {launch.SocketPath}: {e.Message}");
    return 1;
}

await using var host = new RpcPeer(new NetworkStream(socket, ownsSocket: true));
var service = new PluginService(host);

// The read loop starts before the hello: the host may send backend.setup before it answers (§3).
var connection = host.RunAsync(service, CancellationToken.None);
try
{
    var version = await launch.HelloAsync(host, CancellationToken.None);
    StderrLog.Information($"'{launch.PluginName}' connected, protocol version {version}");
}
catch (Exception e) when (e is RpcError or InvalidOperationException or IOException)
{
    StderrLog.Error($"the hello failed: {e.Message}");
    return 1;
}

// Exit when the host closes the connection (so this process never outlives a killed host) or says plugin.shutdown;
// in-flight work is abandoned either way.
var ended = await Task.WhenAny(connection, service.ShutdownRequested);
if (ended == connection && connection.IsFaulted)
{
    StderrLog.Error($"the connection failed: {connection.Exception.GetBaseException().Message}");
    return 1;
}

StderrLog.Information(ended == connection ? "exiting: the host closed the connection" : "exiting");
return 0;
