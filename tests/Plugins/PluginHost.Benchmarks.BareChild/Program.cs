using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using PluginHost.Benchmarks.BareChild;
using StreamJsonRpc;

// bare-jsonrpc-child --hello          prints "hello" and exits (the process-start floor)
// bare-jsonrpc-child SOCKET_PATH      connects to the Unix socket and serves JSON-RPC until the other end hangs up
if (args is ["--hello"])
{
    Console.WriteLine("hello");
    return 0;
}

if (args is not [var socketPath])
{
    await Console.Error.WriteLineAsync("usage: bare-jsonrpc-child --hello | bare-jsonrpc-child SOCKET_PATH");
    return 2;
}

using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));

// Keep in step with src/PluginHost.Sdk/Protocol/ProtocolChannel.cs (and the harness's JsonRpcUdsPing).
var formatter = new SystemTextJsonFormatter
{
    JsonSerializerOptions = new JsonSerializerOptions(JsonSerializerDefaults.General)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    },
};
using var rpc = new JsonRpc(new HeaderDelimitedMessageHandler(new NetworkStream(socket, ownsSocket: false), formatter));
var target = new ChildTarget();
rpc.AddLocalRpcTarget(target, new JsonRpcTargetOptions { AllowNonPublicInvocation = false });
target.Rpc = rpc;
rpc.StartListening();
try
{
    await rpc.Completion;
}
catch (Exception)
{
    // The harness hanging up is the normal end.
}

return 0;
